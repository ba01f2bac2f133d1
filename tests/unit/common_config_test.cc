// The settings every program reads (config/common_config.h), and the connection strings
// they hold (core/connection_strings.h).
#include "config/common_config.h"

#include <gtest/gtest.h>

#include "config/api_config.h"
#include "config/consumer_config.h"
#include "config/tool_config.h"
#include "tests/unit/fakes/config_env.h"

namespace la {
namespace {

// The kafka_compression each program loads from `env` and `args`, or the error.
std::vector<Result<std::string>> CompressionOfEveryProgram(
    const std::map<std::string, std::string>& env, const std::vector<std::string>& args) {
  auto compression = [](const auto& loaded) -> Result<std::string> {
    if (!loaded.ok()) return loaded.status();
    return loaded->config->kafka_compression;
  };
  return {compression(LoadApiConfig(args, Env(env))),
          compression(LoadConsumerConfig(args, Env(env))),
          compression(LoadToolConfig(args, Env(env)))};
}

// Logins trim and lower-case the email they look up; an admin account stored as the setting
// was written (Admin@Example.com) could never log in.
TEST(CommonConfig, AdminEmailIsNormalisedAsLoginsAreByTheApiAndTheAdminTool) {
  const std::vector<std::string> args = {"--dev", "--admin-email", " Admin@Example.COM "};
  const auto env = Env({{"ADMIN_PASSWORD", "password1"}});
  auto api = LoadApiConfig(args, env);
  ASSERT_TRUE(api.ok()) << api.status().message();
  EXPECT_EQ(api->config->admin_email, "admin@example.com");
  auto tool = LoadToolConfig(args, env);
  ASSERT_TRUE(tool.ok()) << tool.status().message();
  EXPECT_EQ(tool->config->admin_email, "admin@example.com");
}

// Kafka compression.
TEST(CommonConfig, KafkaCompressionDefaultsToACodecKafkajsReads) {
  auto loaded = LoadApiConfig({"--dev"}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->kafka_compression, "gzip");
}

TEST(CommonConfig, KafkaCompressionAcceptsEveryLibrdkafkaCodecInEveryProgram) {
  for (const char* codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    for (const Result<std::string>& loaded :
         CompressionOfEveryProgram({{"KAFKA_COMPRESSION", codec}}, {"--dev"})) {
      ASSERT_TRUE(loaded.ok()) << loaded.status().message();
      EXPECT_EQ(*loaded, codec);
    }
  }
}

TEST(CommonConfig, KafkaCompressionRejectsAnUnknownCodecNamingIt) {
  auto loaded = LoadConsumerConfig({"--kafka-compression=brotli"}, Env({}));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("KAFKA_COMPRESSION must be one of"), std::string::npos);
  EXPECT_NE(loaded.status().message().find("brotli"), std::string::npos);
}

TEST(CommonConfig, ParsesRedisUrls) {
  auto a = ParseRedisUrl("redis://:pw@cache.local:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "cache.local");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->password, "pw");
  EXPECT_EQ(a->db, 2);
  EXPECT_FALSE(ParseRedisUrl("redis://").ok());
}

TEST(CommonConfig, ConnectionStringsAreRedactedInMessages) {
  EXPECT_EQ(RedactUrl("mongodb://app:s3cret@db:27017/x?a=b"), "mongodb://app:***@db:27017/x?a=b");
  EXPECT_EQ(RedactUrl("redis://:s3cret@cache:6379/0"), "redis://:***@cache:6379/0");
  EXPECT_EQ(RedactUrl("redis://s3cret@cache"), "redis://***@cache");
  EXPECT_EQ(RedactUrl("mongodb://db:27017/x?user=a@b"), "mongodb://db:27017/x?user=a@b");
  EXPECT_EQ(RedactUrl("mongodb://127.0.0.1:27017"), "mongodb://127.0.0.1:27017");
  auto bad = LoadConsumerConfig({}, Env({{"REDIS_URL", "redis://:s3cret@cache:port"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("s3cret"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace la
