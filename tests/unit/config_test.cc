// Configuration: environment, flags, precedence and fail-fast validation.
#include "core/config.h"

#include <gtest/gtest.h>

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
  auto loaded = LoadConfig(Program::kApi, {"--port", "3005", "--kafka-brokers=k1:1,k2:2"},
                           Env({{"PORT", "3001"}, {"JWT_SECRET", kSecret}, {"KAFKA_BROKERS", "x:9"}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->port, 3005);
  EXPECT_EQ(loaded->config->kafka_brokers, "k1:1,k2:2");
  EXPECT_EQ(loaded->config->jwt_secret, kSecret);
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
  EXPECT_NE(loaded.status().message().find(bad.expected), std::string::npos) << loaded.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigRejects,
    testing::Values(
        BadSetting{Program::kApi, {}, {}, "JWT_SECRET is not set"},
        BadSetting{Program::kApi, {{"JWT_SECRET", "short"}}, {}, "at least 32"},
        BadSetting{Program::kApi, {{"JWT_SECRET", kSecret}, {"PORT", "http"}}, {}, "PORT must be a whole number"},
        BadSetting{Program::kApi, {{"JWT_SECRET", kSecret}}, {"--port", "70000"}, "PORT must be between 1 and 65535"},
        BadSetting{Program::kApi, {{"JWT_SECRET", kSecret}, {"ADMIN_EMAIL", "a@b.c"}}, {}, "must be set together"},
        BadSetting{Program::kConsumer, {{"REDIS_URL", "http://x"}}, {}, "does not start with redis://"},
        BadSetting{Program::kConsumer, {{"REDIS_URL", "redis://h:port"}}, {}, "bad port"},
        BadSetting{Program::kConsumer, {{"MONGO_URI", "postgres://x"}}, {}, "MONGO_URI must start with"},
        BadSetting{Program::kConsumer, {{"KAFKA_BROKERS", "localhost"}}, {}, "is not host:port"},
        BadSetting{Program::kConsumer, {{"FLUSH_INTERVAL_MS", "0"}}, {}, "FLUSH_INTERVAL_MS must be between"},
        BadSetting{Program::kConsumer, {{"LOG_LEVEL", "loud"}}, {}, "LOG_LEVEL must be one of"},
        BadSetting{Program::kConsumer, {}, {"--port", "1"}, "unknown flag --port"},
        BadSetting{Program::kConsumer, {}, {"--flush-interval-ms"}, "needs a value"},
        BadSetting{Program::kConsumer, {}, {"stray"}, "unexpected argument"}));

// --- Kafka compression (issue 12) ---
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
// --- end Kafka compression ---

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

}  // namespace
}  // namespace la
