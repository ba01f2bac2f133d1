#include "core/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/command_line.h"
#include "core/requests/client_address.h"
#include "core/requests/request_body.h"

namespace la {
namespace {

constexpr int kApi = static_cast<int>(Program::kApi);
constexpr int kConsumer = static_cast<int>(Program::kConsumer);
constexpr int kTool = static_cast<int>(Program::kTool);
constexpr int kAll = kApi | kConsumer | kTool;

// The secret used when dev mode is on and JWT_SECRET is unset. Never valid in production.
constexpr const char* kDevJwtSecret = "dev-only-secret-do-not-use-in-production-0123456789";

// One setting: its flag, its environment variable and how to store a value.
struct Option {
  const char* flag;  // without the leading "--"
  const char* env;   // nullptr: flag only
  int programs;      // bitmask of Program values that use it
  const char* help;
  std::function<Status(Config&, const std::string&)> apply;
};

Status ParseInt(const std::string& name, const std::string& text, int64_t min, int64_t max,
                int64_t& out) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Error(name + " must be a whole number, got \"" + text + "\"");
  }
  if (value < min || value > max) {
    return Status::Error(name + " must be between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", got " + text);
  }
  out = value;
  return Status::Ok();
}

template <typename T>
std::function<Status(Config&, const std::string&)> IntSetting(const char* name, T Config::*field,
                                                              int64_t min, int64_t max) {
  return [=](Config& c, const std::string& v) {
    int64_t parsed = 0;
    Status s = ParseInt(name, v, min, max, parsed);
    if (s.ok()) c.*field = static_cast<T>(parsed);
    return s;
  };
}

std::function<Status(Config&, const std::string&)> TextSetting(const char* name,
                                                               std::string Config::*field) {
  return [=](Config& c, const std::string& v) {
    if (v.empty()) return Status::Error(std::string(name) + " must not be empty");
    c.*field = v;
    return Status::Ok();
  };
}

Status ParseBool(const std::string& name, const std::string& v, bool& out) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") {
    out = true;
  } else if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) {
    out = false;
  } else {
    return Status::Error(name + " must be true or false, got \"" + v + "\"");
  }
  return Status::Ok();
}

const std::vector<Option>& Options() {
  static const std::vector<Option> options = {
      {"dev", "LA_DEV", kAll, "development mode: allows the built-in JWT secret",
       [](Config& c, const std::string& v) { return ParseBool("LA_DEV", v, c.dev_mode); }},
      {"log-level", "LOG_LEVEL", kAll, "trace, debug, info, warn or error (default info)",
       [](Config& c, const std::string& v) {
         for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
           if (v == level) {
             c.log_level = v;
             return Status::Ok();
           }
         }
         return Status::Error("LOG_LEVEL must be one of trace, debug, info, warn, error; got \"" +
                              v + "\"");
       }},
      {"kafka-brokers", "KAFKA_BROKERS", kAll, "comma-separated host:port list (127.0.0.1:9092)",
       [](Config& c, const std::string& v) {
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
      {"kafka-topic", "KAFKA_TOPIC", kAll, "topic of like events (engagement-events)",
       TextSetting("KAFKA_TOPIC", &Config::kafka_topic)},
      {"kafka-dlq-topic", "KAFKA_DLQ_TOPIC", kConsumer | kTool,
       "dead-letter topic (engagement-events-dlq)",
       TextSetting("KAFKA_DLQ_TOPIC", &Config::kafka_dlq_topic)},
      {"kafka-group", "KAFKA_GROUP", kConsumer | kTool, "consumer group (engagement-group)",
       TextSetting("KAFKA_GROUP", &Config::kafka_group)},
      {"kafka-partitions", "KAFKA_PARTITIONS", kTool, "partitions of a created topic (12)",
       IntSetting("KAFKA_PARTITIONS", &Config::kafka_partitions, 1, 1000)},
      {"kafka-compression", "KAFKA_COMPRESSION", kAll,
       "codec of produced messages: none, gzip, snappy, lz4 or zstd (gzip; kafkajs reads only "
       "none and gzip without plugins)",
       [](Config& c, const std::string& v) {
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
      {"kafka-linger-ms", "KAFKA_LINGER_MS", kApi,
       "how long a like waits for others to share its produce request, ms (2)",
       IntSetting("KAFKA_LINGER_MS", &Config::kafka_linger_ms, 0, 1000)},
      {"kafka-fetch-min-bytes", "KAFKA_FETCH_MIN_BYTES", kConsumer,
       "a fetch returns once this many bytes are there (1) ...",
       IntSetting("KAFKA_FETCH_MIN_BYTES", &Config::kafka_fetch_min_bytes, 1, 100000000)},
      {"kafka-fetch-wait-max-ms", "KAFKA_FETCH_WAIT_MAX_MS", kConsumer,
       "... or after this long, ms (100)",
       IntSetting("KAFKA_FETCH_WAIT_MAX_MS", &Config::kafka_fetch_wait_max_ms, 1, 10000)},
      {"redis-url", "REDIS_URL", kAll, "redis://[:password@]host[:port][/db]",
       [](Config& c, const std::string& v) {
         Result<RedisAddress> address = ParseRedisUrl(v);
         if (!address.ok()) return address.status();
         c.redis_url = v;
         c.redis = *address;
         return Status::Ok();
       }},
      {"mongo-uri", "MONGO_URI", kAll, "MongoDB connection string (mongodb://127.0.0.1:27017)",
       [](Config& c, const std::string& v) {
         if (v.rfind("mongodb://", 0) != 0 && v.rfind("mongodb+srv://", 0) != 0) {
           return Status::Error("MONGO_URI must start with mongodb:// or mongodb+srv://, got \"" +
                                RedactUrl(v) + "\"");
         }
         c.mongo_uri = v;
         return Status::Ok();
       }},
      {"mongo-database", "MONGO_DATABASE", kAll, "database name (live-analytics)",
       TextSetting("MONGO_DATABASE", &Config::mongo_database)},
      {"host", "HOST", kApi, "address to listen on (127.0.0.1)",
       TextSetting("HOST", &Config::host)},
      {"port", "PORT", kApi, "HTTP port (3000)", IntSetting("PORT", &Config::port, 1, 65535)},
      {"threads", "THREADS", kApi, "I/O threads (0: one per core)",
       IntSetting("THREADS", &Config::threads, 0, 256)},
      {"jwt-secret", "JWT_SECRET", kApi | kTool, "HS256 secret, at least 32 bytes (required)",
       [](Config& c, const std::string& v) {
         c.jwt_secret = v;
         return Status::Ok();
       }},
      {"admin-email", "ADMIN_EMAIL", kApi | kTool, "admin account created at start if missing",
       // Stored as logins look it up (trimmed, lower-cased), or nobody could log in as it.
       [](Config& c, const std::string& v) {
         Result<std::string> email = NormaliseEmail(v, "ADMIN_EMAIL");
         if (!email.ok()) return email.status();
         c.admin_email = std::move(email).value();
         return Status::Ok();
       }},
      {"admin-password", "ADMIN_PASSWORD", kApi | kTool, "its password (at least 8 characters)",
       TextSetting("ADMIN_PASSWORD", &Config::admin_password)},
      {"max-body-bytes", "MAX_BODY_BYTES", kApi, "request body limit in bytes (4096)",
       IntSetting("MAX_BODY_BYTES", &Config::max_body_bytes, 64, 1 << 20)},
      {"produce-timeout-ms", "PRODUCE_TIMEOUT_MS", kApi,
       "how long a like waits for Kafka's ack before 503 (5000)",
       IntSetting("PRODUCE_TIMEOUT_MS", &Config::produce_timeout_ms, 100, 120000)},
      {"web-root", "WEB_ROOT", kApi, "folder with the built dashboard files",
       TextSetting("WEB_ROOT", &Config::web_root)},
      // Abuse limits of the api node; 0 turns a limit off.
      {"trusted-proxies", "TRUSTED_PROXIES", kApi,
       "peers whose X-Real-IP/X-Forwarded-For name the client (127.0.0.0/8,::1/128; empty: none)",
       [](Config& c, const std::string& v) {
         if (auto parsed = TrustedProxies::Parse(v); !parsed.ok()) return parsed.status();
         c.trusted_proxies = v;
         return Status::Ok();
       }},
      {"login-rate-per-min", "LOGIN_RATE_PER_MIN", kApi,
       "logins per minute per client address (20)",
       IntSetting("LOGIN_RATE_PER_MIN", &Config::login_rate_per_min, 0, 1000000)},
      {"login-burst", "LOGIN_BURST", kApi, "logins a client address may save up (10)",
       IntSetting("LOGIN_BURST", &Config::login_burst, 1, 1000000)},
      {"register-rate-per-min", "REGISTER_RATE_PER_MIN", kApi,
       "registrations per minute per client address (5)",
       IntSetting("REGISTER_RATE_PER_MIN", &Config::register_rate_per_min, 0, 1000000)},
      {"register-burst", "REGISTER_BURST", kApi, "registrations a client address may save up (5)",
       IntSetting("REGISTER_BURST", &Config::register_burst, 1, 1000000)},
      {"like-rate-per-s", "LIKE_RATE_PER_S", kApi, "likes per second per user (5)",
       IntSetting("LIKE_RATE_PER_S", &Config::like_rate_per_s, 0, 1000000)},
      {"like-burst", "LIKE_BURST", kApi, "likes a user may save up (20)",
       IntSetting("LIKE_BURST", &Config::like_burst, 1, 1000000)},
      {"socket-event-rate-per-s", "SOCKET_EVENT_RATE_PER_S", kApi,
       "Socket.IO packets per second per connection (20)",
       IntSetting("SOCKET_EVENT_RATE_PER_S", &Config::socket_event_rate_per_s, 0, 1000000)},
      {"socket-event-burst", "SOCKET_EVENT_BURST", kApi,
       "Socket.IO packets a connection may save up (100)",
       IntSetting("SOCKET_EVENT_BURST", &Config::socket_event_burst, 1, 1000000)},
      {"rate-limit-max-keys", "RATE_LIMIT_MAX_KEYS", kApi,
       "addresses or users each rate limiter remembers (100000)",
       IntSetting("RATE_LIMIT_MAX_KEYS", &Config::rate_limit_max_keys, 1, 10000000)},
      {"password-threads", "PASSWORD_THREADS", kApi, "threads hashing passwords (2)",
       IntSetting("PASSWORD_THREADS", &Config::password_threads, 1, 64)},
      {"password-queue", "PASSWORD_QUEUE", kApi, "password hashes that may wait; more get 503 (16)",
       IntSetting("PASSWORD_QUEUE", &Config::password_queue, 1, 100000)},
      {"password-jobs-per-address", "PASSWORD_JOBS_PER_ADDRESS", kApi,
       "password hashes one client address may have in flight; more get 429 (1)",
       IntSetting("PASSWORD_JOBS_PER_ADDRESS", &Config::password_jobs_per_address, 0, 1000)},
      {"read-threads", "READ_THREADS", kApi, "threads reading MongoDB (4)",
       IntSetting("READ_THREADS", &Config::read_threads, 1, 256)},
      {"read-queue", "READ_QUEUE", kApi, "MongoDB reads that may wait; more get 503 (256)",
       IntSetting("READ_QUEUE", &Config::read_queue, 1, 1000000)},
      {"subscribe-reads-per-socket", "SUBSCRIBE_READS_PER_SOCKET", kApi,
       "subscribe reads one socket may have in flight (8)",
       IntSetting("SUBSCRIBE_READS_PER_SOCKET", &Config::subscribe_reads_per_socket, 1, 1000)},
      {"max-connections", "MAX_CONNECTIONS", kApi, "open HTTP connections (10000)",
       IntSetting("MAX_CONNECTIONS", &Config::max_connections, 0, 10000000)},
      {"max-connections-per-address", "MAX_CONNECTIONS_PER_ADDRESS", kApi,
       "open HTTP connections per peer address; trusted proxies are exempt (256)",
       IntSetting("MAX_CONNECTIONS_PER_ADDRESS", &Config::max_connections_per_address, 0,
                  10000000)},
      {"max-sessions", "MAX_SESSIONS", kApi, "open Engine.IO sessions (20000)",
       IntSetting("MAX_SESSIONS", &Config::max_sessions, 0, 10000000)},
      {"max-sessions-per-address", "MAX_SESSIONS_PER_ADDRESS", kApi,
       "open Engine.IO sessions per client address (200)",
       IntSetting("MAX_SESSIONS_PER_ADDRESS", &Config::max_sessions_per_address, 0, 10000000)},
      {"max-held-polls", "MAX_HELD_POLLS", kApi,
       "Engine.IO polling GETs held at once, below MAX_CONNECTIONS; more get 503 (half of "
       "MAX_CONNECTIONS: 5000)",
       IntSetting("MAX_HELD_POLLS", &Config::max_held_polls, 0, 10000000)},
      {"viewer-report-ms", "VIEWER_REPORT_MS", kApi,
       "how often an api node reports its viewer counts to the others (1000)",
       IntSetting("VIEWER_REPORT_MS", &Config::viewer_report_ms, 100, 10000)},
      {"viewer-node-ttl-ms", "VIEWER_NODE_TTL_MS", kApi,
       "an api node not heard from this long stops counting (10000; at least 3 reports)",
       IntSetting("VIEWER_NODE_TTL_MS", &Config::viewer_node_ttl_ms, 300, 600000)},
      {"write-timeout-ms", "WRITE_TIMEOUT_MS", kApi,
       "a Socket.IO write stalled this long ends the session (10000)",
       IntSetting("WRITE_TIMEOUT_MS", &Config::write_timeout_ms, 100, 600000)},
      {"jwt-secret-file", "JWT_SECRET_FILE", kApi | kTool,
       "a file holding the HS256 secret (instead of JWT_SECRET)",
       TextSetting("JWT_SECRET_FILE", &Config::jwt_secret_file)},
      {"metrics-host", "METRICS_HOST", kConsumer,
       "address of the /metrics endpoint (127.0.0.1; 0.0.0.0: every interface)",
       TextSetting("METRICS_HOST", &Config::metrics_host)},
      {"flush-interval-ms", "FLUSH_INTERVAL_MS", kConsumer, "batch flush interval (1000)",
       IntSetting("FLUSH_INTERVAL_MS", &Config::flush_interval_ms, 10, 60000)},
      {"batch-max-events", "BATCH_MAX_EVENTS", kConsumer,
       "flush early at this many events; also the most a consumer buffers (500000)",
       IntSetting("BATCH_MAX_EVENTS", &Config::batch_max_events, 1, 10000000)},
      {"dedup-ttl-s", "DEDUP_TTL_S", kConsumer, "how long an eventId is remembered (3600)",
       IntSetting("DEDUP_TTL_S", &Config::dedup_ttl_s, 1, 30 * 24 * 3600)},
      {"metrics-port", "METRICS_PORT", kConsumer, "Prometheus /metrics port (0: off)",
       IntSetting("METRICS_PORT", &Config::metrics_port, 0, 65535)},
  };
  return options;
}

std::string HelpText(Program program) {
  std::ostringstream out;
  out << "Settings (a flag wins over its environment variable):\n";
  for (const Option& o : Options()) {
    if (!(o.programs & static_cast<int>(program))) continue;
    out << "  --" << o.flag << "=VALUE";
    if (o.env) out << "  (env " << o.env << ")";
    out << "\n      " << o.help << "\n";
  }
  out << "  --help\n      print this text\n";
  return out.str();
}

// Reads JWT_SECRET_FILE into jwt_secret (one trailing newline dropped).
Status ReadSecretFile(Config& c) {
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

// A warning for a secret given as a flag, which every user of the machine can read.
std::optional<std::string> SecretOnCommandLine(const std::string& flag, const std::string& value) {
  const bool secret = flag == "jwt-secret" || flag == "admin-password" ||
                      ((flag == "mongo-uri" || flag == "redis-url") && RedactUrl(value) != value);
  if (!secret) return std::nullopt;
  return "--" + flag +
         " is given on the command line, where any user of this machine can read it " +
         "(ps, /proc); pass it in the environment" +
         (flag == "jwt-secret" ? " or in a file (JWT_SECRET_FILE)" : "") + " instead";
}

Status ValidateSecrets(Program program, Config& c) {
  if (program == Program::kConsumer) return Status::Ok();
  if (Status s = ReadSecretFile(c); !s.ok()) return s;
  if (c.jwt_secret.empty() && c.dev_mode) c.jwt_secret = kDevJwtSecret;
  // Tools check for the secret only in the commands that sign tokens.
  if (c.jwt_secret.empty() && program == Program::kApi) {
    return Status::Error(
        "JWT_SECRET is not set; set it to a random string of at least 32 bytes "
        "(e.g. `openssl rand -hex 32`), or run in dev mode (LA_DEV=1)");
  }
  if (!c.jwt_secret.empty() && c.jwt_secret.size() < 32 && !c.dev_mode) {
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

// Held polling GETs occupy HTTP connections: they must leave some for everything else.
Status ValidateCaps(Program program, Config& c) {
  if (program != Program::kApi) return Status::Ok();
  if (c.max_held_polls < 0) c.max_held_polls = c.max_connections / 2;  // not set
  if (c.max_connections == 0) return Status::Ok();
  if (c.max_held_polls == 0 || c.max_held_polls >= c.max_connections) {
    return Status::Error("MAX_HELD_POLLS (" + std::to_string(c.max_held_polls) +
                         ") must be between 1 and MAX_CONNECTIONS - 1 (" +
                         std::to_string(c.max_connections - 1) +
                         "): held polls count among the open connections, and likes and logins "
                         "need some of them; lower it or raise MAX_CONNECTIONS");
  }
  return Status::Ok();
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string RedactUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t authority = scheme + 3;
  const size_t end = url.find_first_of("/?#", authority);
  const size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < authority) return url;  // no user information
  const size_t colon = url.find(':', authority);
  // Without a colon the user information may itself be the password (redis://secret@host).
  if (colon == std::string::npos || colon > at)
    return url.substr(0, authority) + "***" + url.substr(at);
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Result<RedisAddress> ParseRedisUrl(const std::string& url) {
  const std::string scheme = "redis://";
  auto error = [&](const std::string& what) {
    return Status::Error("REDIS_URL \"" + RedactUrl(url) + "\" " + what +
                         "; expected redis://[:password@]host[:port][/db]");
  };
  if (url.rfind(scheme, 0) != 0) return error("does not start with redis://");
  std::string rest = url.substr(scheme.size());
  RedisAddress address;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    address.password = colon == std::string::npos ? userinfo : userinfo.substr(colon + 1);
    rest = rest.substr(at + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    int64_t db = 0;
    if (!ParseInt("db", rest.substr(slash + 1), 0, 15, db).ok())
      return error("has a bad db number");
    address.db = static_cast<int>(db);
    rest = rest.substr(0, slash);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    int64_t port = 0;
    if (!ParseInt("port", rest.substr(colon + 1), 1, 65535, port).ok())
      return error("has a bad port");
    address.port = static_cast<int>(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return error("has no host");
  address.host = rest;
  return address;
}

Result<ConfigOrHelp> LoadConfig(Program program, const std::vector<std::string>& args,
                                const EnvLookup& env) {
  ConfigOrHelp out;
  Config config;
  config.redis = *ParseRedisUrl(config.redis_url);
  const int mask = static_cast<int>(program);

  for (const Option& o : Options()) {
    if (!(o.programs & mask) || o.env == nullptr) continue;
    if (std::optional<std::string> value = env(o.env)) {
      if (Status s = o.apply(config, *value); !s.ok()) return s;
    }
  }
  // Flags, after the environment so that they win. Only --dev goes without a value.
  auto option_named = [mask](std::string_view name) -> const Option* {
    for (const Option& o : Options()) {
      if ((o.programs & mask) && name == o.flag) return &o;
    }
    return nullptr;
  };
  Result<CommandLine> line = ParseCommandLine(args, [&](std::string_view name) {
    if (option_named(name) == nullptr) return FlagKind::kUnknown;
    return name == "dev" ? FlagKind::kSwitch : FlagKind::kValue;
  });
  if (!line.ok()) return line.status();
  if (line->help) {
    out.help = HelpText(program);
    return out;
  }
  for (const CommandLineFlag& flag : line->flags) {
    const std::string value = flag.value.value_or("true");
    if (Status s = option_named(flag.name)->apply(config, value); !s.ok()) return s;
    if (auto warning = SecretOnCommandLine(flag.name, value)) out.warnings.push_back(*warning);
  }
  if (Status s = ValidateSecrets(program, config); !s.ok()) return s;
  if (Status s = ValidateCaps(program, config); !s.ok()) return s;
  // A node must have had the chance to report a few times before the others drop it.
  if (program == Program::kApi && config.viewer_node_ttl_ms < 3 * config.viewer_report_ms) {
    return Status::Error("VIEWER_NODE_TTL_MS (" + std::to_string(config.viewer_node_ttl_ms) +
                         ") must be at least 3 x VIEWER_REPORT_MS (" +
                         std::to_string(config.viewer_report_ms) +
                         "), or a slow report would make the other api nodes drop this one");
  }
  out.config = std::move(config);
  return out;
}

}  // namespace la
