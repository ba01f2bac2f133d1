// Configuration: environment, flags, precedence and fail-fast validation.
#include "core/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace la {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

const std::string kSecret(40, 's');

TEST(Config, DefaultsMatchTheDesign) {
  auto loaded = LoadConfig(Program::kConsumer, {}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Config& c = *loaded->config;
  EXPECT_EQ(c.kafka_topic, "engagement-events");
  EXPECT_EQ(c.kafka_dlq_topic, "engagement-events-dlq");
  EXPECT_EQ(c.kafka_group, "engagement-group");
  EXPECT_EQ(c.flush_interval_ms, 1000);
  EXPECT_EQ(c.dedup_ttl_s, 3600);
  EXPECT_EQ(c.redis.host, "127.0.0.1");
  EXPECT_EQ(c.redis.port, 6379);
}

TEST(Config, FlagsOverrideEnvironment) {
  auto loaded =
      LoadConfig(Program::kApi, {"--port", "3005", "--kafka-brokers=k1:1,k2:2"},
                 Env({{"PORT", "3001"}, {"JWT_SECRET", kSecret}, {"KAFKA_BROKERS", "x:9"}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->port, 3005);
  EXPECT_EQ(loaded->config->kafka_brokers, "k1:1,k2:2");
  EXPECT_EQ(loaded->config->jwt_secret, kSecret);
}

TEST(Config, TheViewerNodeTtlMustCoverAFewReports) {
  auto loaded = LoadConfig(Program::kApi, {"--viewer-report-ms", "2000"},
                           Env({{"JWT_SECRET", kSecret}, {"VIEWER_NODE_TTL_MS", "5000"}}));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("VIEWER_NODE_TTL_MS (5000) must be at least 3 x"),
            std::string::npos)
      << loaded.status().message();
  auto defaults = LoadConfig(Program::kApi, {}, Env({{"JWT_SECRET", kSecret}}));
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_EQ(defaults->config->viewer_report_ms, 1000);
  EXPECT_EQ(defaults->config->viewer_node_ttl_ms, 10000);
}

TEST(Config, HelpListsTheSettingsOfTheProgram) {
  auto loaded = LoadConfig(Program::kConsumer, {"--help"}, Env({}));
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->config.has_value());
  EXPECT_NE(loaded->help.find("FLUSH_INTERVAL_MS"), std::string::npos);
  EXPECT_NE(loaded->help.find("DEDUP_TTL_S"), std::string::npos);
  EXPECT_EQ(loaded->help.find("JWT_SECRET"), std::string::npos);  // the consumer signs nothing
}

struct BadSetting {
  Program program;
  std::map<std::string, std::string> env;
  std::vector<std::string> args;
  std::string expected;  // a substring of the error
};

class ConfigRejects : public testing::TestWithParam<BadSetting> {};

TEST_P(ConfigRejects, WithAMessageNamingTheSetting) {
  const BadSetting& bad = GetParam();
  auto loaded = LoadConfig(bad.program, bad.args, Env(bad.env));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(bad.expected), std::string::npos)
      << loaded.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigRejects,
    testing::Values(
        BadSetting{Program::kApi, {}, {}, "JWT_SECRET is not set"},
        BadSetting{Program::kApi, {{"JWT_SECRET", "short"}}, {}, "at least 32"},
        BadSetting{Program::kApi,
                   {{"JWT_SECRET", kSecret}, {"PORT", "http"}},
                   {},
                   "PORT must be a whole number"},
        BadSetting{Program::kApi,
                   {{"JWT_SECRET", kSecret}},
                   {"--port", "70000"},
                   "PORT must be between 1 and 65535"},
        BadSetting{Program::kApi,
                   {{"JWT_SECRET", kSecret}, {"ADMIN_EMAIL", "a@b.c"}},
                   {},
                   "must be set together"},
        BadSetting{Program::kApi,
                   {{"JWT_SECRET", kSecret}, {"MAX_HELD_POLLS", "10000"}},
                   {},
                   "MAX_HELD_POLLS (10000) must be between 1 and MAX_CONNECTIONS - 1 (9999)"},
        BadSetting{Program::kApi,
                   {{"JWT_SECRET", kSecret}, {"MAX_HELD_POLLS", "0"}},
                   {"--max-connections", "100"},
                   "MAX_HELD_POLLS (0) must be between 1 and MAX_CONNECTIONS - 1 (99)"},
        BadSetting{Program::kTool,
                   {{"ADMIN_EMAIL", "admin at example.com"}, {"ADMIN_PASSWORD", "password1"}},
                   {},
                   "ADMIN_EMAIL must look like name@example.com"},
        BadSetting{
            Program::kConsumer, {{"REDIS_URL", "http://x"}}, {}, "does not start with redis://"},
        BadSetting{Program::kConsumer, {{"REDIS_URL", "redis://h:port"}}, {}, "bad port"},
        BadSetting{
            Program::kConsumer, {{"MONGO_URI", "postgres://x"}}, {}, "MONGO_URI must start with"},
        BadSetting{Program::kConsumer, {{"KAFKA_BROKERS", "localhost"}}, {}, "is not host:port"},
        BadSetting{Program::kConsumer,
                   {{"FLUSH_INTERVAL_MS", "0"}},
                   {},
                   "FLUSH_INTERVAL_MS must be between"},
        BadSetting{Program::kConsumer, {{"LOG_LEVEL", "loud"}}, {}, "LOG_LEVEL must be one of"},
        BadSetting{Program::kConsumer, {}, {"--port", "1"}, "unknown flag --port"},
        BadSetting{Program::kConsumer, {}, {"--flush-interval-ms"}, "needs a value"},
        BadSetting{Program::kConsumer, {}, {"stray"}, "unexpected argument"}));

// Held polling GETs get a cap of their own below the connection cap, so that they can never
// take every connection (likes and logins need some).
TEST(Config, HeldPollsDefaultToHalfTheConnectionCap) {
  auto held_polls = [](std::vector<std::string> args) {
    args.push_back("--dev");
    auto loaded = LoadConfig(Program::kApi, args, Env({}));
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? loaded->config->max_held_polls : -2;
  };
  EXPECT_EQ(held_polls({}), 5000);
  EXPECT_EQ(held_polls({"--max-connections", "100"}), 50);
  EXPECT_EQ(held_polls({"--max-connections", "100", "--max-held-polls", "99"}), 99);
  EXPECT_EQ(held_polls({"--max-connections", "0"}), 0) << "no connection cap: no held-poll cap";
}

// Logins trim and lower-case the email they look up; an admin account stored as the setting
// was written (Admin@Example.com) could never log in.
TEST(Config, AdminEmailIsNormalisedAsLoginsAreByTheApiAndTheAdminTool) {
  for (Program program : {Program::kApi, Program::kTool}) {
    auto loaded = LoadConfig(program, {"--dev", "--admin-email", " Admin@Example.COM "},
                             Env({{"ADMIN_PASSWORD", "password1"}}));
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_EQ(loaded->config->admin_email, "admin@example.com");
  }
}

// Kafka compression.
TEST(Config, KafkaCompressionDefaultsToACodecKafkajsReads) {
  auto loaded = LoadConfig(Program::kApi, {"--dev"}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->kafka_compression, "gzip");
}

TEST(Config, KafkaCompressionAcceptsEveryLibrdkafkaCodecInEveryProgram) {
  for (Program program : {Program::kApi, Program::kConsumer, Program::kTool}) {
    for (const char* codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
      auto loaded = LoadConfig(program, {"--dev"}, Env({{"KAFKA_COMPRESSION", codec}}));
      ASSERT_TRUE(loaded.ok()) << loaded.status().message();
      EXPECT_EQ(loaded->config->kafka_compression, codec);
    }
  }
}

TEST(Config, KafkaCompressionRejectsAnUnknownCodecNamingIt) {
  auto loaded = LoadConfig(Program::kConsumer, {"--kafka-compression=brotli"}, Env({}));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("KAFKA_COMPRESSION must be one of"), std::string::npos);
  EXPECT_NE(loaded.status().message().find("brotli"), std::string::npos);
}

TEST(Config, DevModeSuppliesASecret) {
  auto loaded = LoadConfig(Program::kApi, {"--dev"}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_GE(loaded->config->jwt_secret.size(), 32u);
  EXPECT_TRUE(loaded->config->dev_mode);
}

TEST(Config, ParsesRedisUrls) {
  auto a = ParseRedisUrl("redis://:pw@cache.local:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "cache.local");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->password, "pw");
  EXPECT_EQ(a->db, 2);
  EXPECT_FALSE(ParseRedisUrl("redis://").ok());
}

// Abuse limits.
TEST(Config, AbuseLimitsHaveProductDefaults) {
  auto loaded = LoadConfig(Program::kApi, {}, Env({{"JWT_SECRET", kSecret}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Config& c = *loaded->config;
  EXPECT_EQ(c.trusted_proxies, "127.0.0.0/8,::1/128");
  EXPECT_EQ(c.login_rate_per_min, 20);
  EXPECT_EQ(c.like_rate_per_s, 5);
  EXPECT_EQ(c.like_burst, 20);
  EXPECT_EQ(c.password_queue, 16);
  EXPECT_EQ(c.password_jobs_per_address, 1);
  EXPECT_EQ(c.max_sessions_per_address, 200);
}

TEST(Config, AbuseLimitsAreSettings) {
  auto loaded = LoadConfig(
      Program::kApi, {"--like-rate-per-s", "0", "--trusted-proxies=10.0.0.0/8", "--read-queue=9"},
      Env({{"JWT_SECRET", kSecret}, {"LOGIN_RATE_PER_MIN", "600"}, {"MAX_SESSIONS", "7"}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->like_rate_per_s, 0);
  EXPECT_EQ(loaded->config->trusted_proxies, "10.0.0.0/8");
  EXPECT_EQ(loaded->config->read_queue, 9);
  EXPECT_EQ(loaded->config->login_rate_per_min, 600);
  EXPECT_EQ(loaded->config->max_sessions, 7);
}

TEST(Config, ABadLimitNamesTheSettingAndValue) {
  auto proxies = LoadConfig(Program::kApi, {"--trusted-proxies", "nginx.local"},
                            Env({{"JWT_SECRET", kSecret}}));
  ASSERT_FALSE(proxies.ok());
  EXPECT_NE(proxies.status().message().find("nginx.local"), std::string::npos);
  auto queue =
      LoadConfig(Program::kApi, {}, Env({{"JWT_SECRET", kSecret}, {"PASSWORD_QUEUE", "0"}}));
  ASSERT_FALSE(queue.ok());
  EXPECT_NE(queue.status().message().find("PASSWORD_QUEUE"), std::string::npos);
}
TEST(Config, ASecretGivenAsAFlagIsWarnedAbout) {
  auto loaded = LoadConfig(Program::kApi,
                           {"--jwt-secret", kSecret, "--mongo-uri=mongodb://u:pw@db/x"}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->warnings.size(), 2u);
  EXPECT_NE(loaded->warnings[0].find("--jwt-secret"), std::string::npos);
  EXPECT_NE(loaded->warnings[0].find("JWT_SECRET_FILE"), std::string::npos);
  EXPECT_EQ(loaded->warnings[0].find(kSecret), std::string::npos)
      << "the warning repeats the secret";
  auto from_env = LoadConfig(Program::kApi, {}, Env({{"JWT_SECRET", kSecret}}));
  EXPECT_TRUE(from_env->warnings.empty());
}

TEST(Config, TheJwtSecretMayComeFromAFile) {
  const std::string path = ::testing::TempDir() + "/la-jwt-secret";
  {
    std::ofstream file(path);
    file << kSecret << "\n";
  }
  auto loaded = LoadConfig(Program::kApi, {}, Env({{"JWT_SECRET_FILE", path}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->jwt_secret, kSecret);
  auto both =
      LoadConfig(Program::kApi, {}, Env({{"JWT_SECRET_FILE", path}, {"JWT_SECRET", kSecret}}));
  EXPECT_FALSE(both.ok());
  auto missing = LoadConfig(Program::kApi, {}, Env({{"JWT_SECRET_FILE", path + ".missing"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(".missing"), std::string::npos);
}

TEST(Config, ConnectionStringsAreRedactedInMessages) {
  EXPECT_EQ(RedactUrl("mongodb://app:s3cret@db:27017/x?a=b"), "mongodb://app:***@db:27017/x?a=b");
  EXPECT_EQ(RedactUrl("redis://:s3cret@cache:6379/0"), "redis://:***@cache:6379/0");
  EXPECT_EQ(RedactUrl("redis://s3cret@cache"), "redis://***@cache");
  EXPECT_EQ(RedactUrl("mongodb://db:27017/x?user=a@b"), "mongodb://db:27017/x?user=a@b");
  EXPECT_EQ(RedactUrl("mongodb://127.0.0.1:27017"), "mongodb://127.0.0.1:27017");
  auto bad = LoadConfig(Program::kConsumer, {}, Env({{"REDIS_URL", "redis://:s3cret@cache:port"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("s3cret"), std::string::npos) << bad.status().message();
}

TEST(Config, ConsumerMetricsListenOnLoopbackByDefault) {
  auto loaded = LoadConfig(Program::kConsumer, {}, Env({}));
  EXPECT_EQ(loaded->config->metrics_host, "127.0.0.1");
  EXPECT_EQ(
      LoadConfig(Program::kConsumer, {"--metrics-host", "0.0.0.0"}, Env({}))->config->metrics_host,
      "0.0.0.0");
}

}  // namespace
}  // namespace la
