#include "config/common_config.h"

#include <fstream>
#include <sstream>

#include "core/requests/request_body.h"

namespace la {
namespace {

// The secret used when dev mode is on and JWT_SECRET is unset. Never valid in production.
constexpr const char* kDevJwtSecret = "dev-only-secret-do-not-use-in-production-0123456789";

// Reads JWT_SECRET_FILE into jwt_secret (one trailing newline dropped).
Status ReadSecretFile(AccountConfig& c) {
  if (c.jwt_secret_file.empty()) return Status::Ok();
  if (!c.jwt_secret.empty()) {
    return Status::Error("JWT_SECRET and JWT_SECRET_FILE are both set; set only one of them");
  }
  std::ifstream file(c.jwt_secret_file, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) {
    return Status::Error("JWT_SECRET_FILE \"" + c.jwt_secret_file +
                         "\" cannot be read; check the path and its permissions");
  }
  c.jwt_secret = text.str();
  if (!c.jwt_secret.empty() && c.jwt_secret.back() == '\n') c.jwt_secret.pop_back();
  if (!c.jwt_secret.empty() && c.jwt_secret.back() == '\r') c.jwt_secret.pop_back();
  return Status::Ok();
}

}  // namespace

const std::vector<Setting<CommonConfig>>& CommonSettings() {
  using C = CommonConfig;
  static const std::vector<Setting<C>> settings = {
      {"dev", "LA_DEV", "development mode: allows the built-in JWT secret",
       [](C& c, const std::string& v) { return ParseBool("LA_DEV", v, c.dev_mode); }},
      {"log-level", "LOG_LEVEL", "trace, debug, info, warn or error (default info)",
       [](C& c, const std::string& v) {
         for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
           if (v == level) {
             c.log_level = v;
             return Status::Ok();
           }
         }
         return Status::Error("LOG_LEVEL must be one of trace, debug, info, warn, error; got \"" +
                              v + "\"");
       }},
      {"kafka-brokers", "KAFKA_BROKERS", "comma-separated host:port list (127.0.0.1:9092)",
       [](C& c, const std::string& v) {
         std::stringstream list(v);
         std::string broker;
         if (v.empty()) return Status::Error("KAFKA_BROKERS must not be empty");
         while (std::getline(list, broker, ',')) {
           auto colon = broker.rfind(':');
           int64_t port = 0;
           if (colon == std::string::npos || colon == 0 ||
               !ParseInt("port", broker.substr(colon + 1), 1, 65535, port).ok()) {
             return Status::Error("KAFKA_BROKERS entry \"" + broker +
                                  "\" is not host:port (e.g. 127.0.0.1:9092)");
           }
         }
         c.kafka_brokers = v;
         return Status::Ok();
       }},
      {"kafka-topic", "KAFKA_TOPIC", "topic of like events (engagement-events)",
       TextSetting("KAFKA_TOPIC", &C::kafka_topic)},
      {"kafka-compression", "KAFKA_COMPRESSION",
       "codec of produced messages: none, gzip, snappy, lz4 or zstd (gzip; kafkajs reads only "
       "none and gzip without plugins)",
       [](C& c, const std::string& v) {
         for (const char* codec : kKafkaCompressionCodecs) {
           if (v == codec) {
             c.kafka_compression = v;
             return Status::Ok();
           }
         }
         return Status::Error(
             "KAFKA_COMPRESSION must be one of none, gzip, snappy, lz4, zstd; got \"" + v +
             "\" (gzip and none are readable by every client, kafkajs included)");
       }},
      {"redis-url", "REDIS_URL", "redis://[:password@]host[:port][/db]",
       [](C& c, const std::string& v) {
         Result<RedisAddress> address = ParseRedisUrl(v);
         if (!address.ok()) return address.status();
         c.redis_url = v;
         c.redis = *address;
         return Status::Ok();
       }},
      {"mongo-uri", "MONGO_URI", "MongoDB connection string (mongodb://127.0.0.1:27017)",
       [](C& c, const std::string& v) {
         if (v.rfind("mongodb://", 0) != 0 && v.rfind("mongodb+srv://", 0) != 0) {
           return Status::Error("MONGO_URI must start with mongodb:// or mongodb+srv://, got \"" +
                                RedactUrl(v) + "\"");
         }
         c.mongo_uri = v;
         return Status::Ok();
       }},
      {"mongo-database", "MONGO_DATABASE", "database name (live-analytics)",
       TextSetting("MONGO_DATABASE", &C::mongo_database)},
  };
  return settings;
}

const std::vector<Setting<GroupConfig>>& GroupSettings() {
  static const std::vector<Setting<GroupConfig>> settings = {
      {"kafka-dlq-topic", "KAFKA_DLQ_TOPIC", "dead-letter topic (engagement-events-dlq)",
       TextSetting("KAFKA_DLQ_TOPIC", &GroupConfig::kafka_dlq_topic)},
      {"kafka-group", "KAFKA_GROUP", "consumer group (engagement-group)",
       TextSetting("KAFKA_GROUP", &GroupConfig::kafka_group)},
  };
  return settings;
}

const std::vector<Setting<AccountConfig>>& AccountSettings() {
  using C = AccountConfig;
  static const std::vector<Setting<C>> settings = {
      {"jwt-secret", "JWT_SECRET", "HS256 secret, at least 32 bytes (required)",
       [](C& c, const std::string& v) {
         c.jwt_secret = v;
         return Status::Ok();
       }},
      {"jwt-secret-file", "JWT_SECRET_FILE",
       "a file holding the HS256 secret (instead of JWT_SECRET)",
       TextSetting("JWT_SECRET_FILE", &C::jwt_secret_file)},
      {"admin-email", "ADMIN_EMAIL", "admin account created at start if missing",
       // Stored as logins look it up (trimmed, lower-cased), or nobody could log in as it.
       [](C& c, const std::string& v) {
         Result<std::string> email = NormaliseEmail(v, "ADMIN_EMAIL");
         if (!email.ok()) return email.status();
         c.admin_email = std::move(email).value();
         return Status::Ok();
       }},
      {"admin-password", "ADMIN_PASSWORD", "its password (at least 8 characters)",
       TextSetting("ADMIN_PASSWORD", &C::admin_password)},
  };
  return settings;
}

Status ValidateAccount(AccountConfig& c, bool dev_mode, bool secret_required) {
  if (Status s = ReadSecretFile(c); !s.ok()) return s;
  if (c.jwt_secret.empty() && dev_mode) c.jwt_secret = kDevJwtSecret;
  if (c.jwt_secret.empty() && secret_required) {
    return Status::Error(
        "JWT_SECRET is not set; set it to a random string of at least 32 bytes "
        "(e.g. `openssl rand -hex 32`), or run in dev mode (LA_DEV=1)");
  }
  if (!c.jwt_secret.empty() && c.jwt_secret.size() < 32 && !dev_mode) {
    return Status::Error("JWT_SECRET is " + std::to_string(c.jwt_secret.size()) +
                         " bytes long; at least 32 are required outside dev mode");
  }
  if (c.admin_email.empty() != c.admin_password.empty()) {
    return Status::Error("ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  if (!c.admin_password.empty() && c.admin_password.size() < 8) {
    return Status::Error("ADMIN_PASSWORD must be at least 8 characters");
  }
  return Status::Ok();
}

}  // namespace la
