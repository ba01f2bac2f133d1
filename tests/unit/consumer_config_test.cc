// la-consumer's configuration (config/consumer_config.h): defaults, help and fail-fast
// validation, including the settings every program reads.
#include "config/consumer_config.h"

#include <gtest/gtest.h>

#include "tests/unit/fakes/config_env.h"

namespace la {
namespace {

TEST(ConsumerConfig, DefaultsMatchTheDesign) {
  auto loaded = LoadConsumerConfig({}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const ConsumerConfig& c = *loaded->config;
  EXPECT_EQ(c.kafka_topic, "engagement-events");
  EXPECT_EQ(c.kafka_dlq_topic, "engagement-events-dlq");
  EXPECT_EQ(c.kafka_group, "engagement-group");
  EXPECT_EQ(c.flush_interval_ms, 250);        // bench/RESULTS.md, "cost per like", A/B 6
  EXPECT_EQ(c.kafka_fetch_min_bytes, 65536);  // bench/RESULTS.md, "cost per like", A/B 1
  EXPECT_EQ(c.kafka_fetch_wait_max_ms, 100);
  EXPECT_EQ(c.dedup_ttl_s, 3600);
  EXPECT_EQ(c.redis.host, "127.0.0.1");
  EXPECT_EQ(c.redis.port, 6379);
}

TEST(ConsumerConfig, HelpListsTheSettingsOfTheProgram) {
  auto loaded = LoadConsumerConfig({"--help"}, Env({}));
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->config.has_value());
  EXPECT_NE(loaded->help.find("FLUSH_INTERVAL_MS"), std::string::npos);
  EXPECT_NE(loaded->help.find("DEDUP_TTL_S"), std::string::npos);
  EXPECT_EQ(loaded->help.find("JWT_SECRET"), std::string::npos);  // the consumer signs nothing
}

class ConsumerConfigRejects : public testing::TestWithParam<BadSetting> {};

TEST_P(ConsumerConfigRejects, WithAMessageNamingTheSetting) {
  ExpectRefused(LoadConsumerConfig(GetParam().args, Env(GetParam().env)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConsumerConfigRejects,
    testing::Values(BadSetting{{{"REDIS_URL", "http://x"}}, {}, "does not start with redis://"},
                    BadSetting{{{"REDIS_URL", "redis://h:port"}}, {}, "bad port"},
                    BadSetting{{{"MONGO_URI", "postgres://x"}}, {}, "MONGO_URI must start with"},
                    BadSetting{{{"KAFKA_BROKERS", "localhost"}}, {}, "is not host:port"},
                    BadSetting{
                        {{"FLUSH_INTERVAL_MS", "0"}}, {}, "FLUSH_INTERVAL_MS must be between"},
                    BadSetting{{{"LOG_LEVEL", "loud"}}, {}, "LOG_LEVEL must be one of"},
                    BadSetting{{}, {"--port", "1"}, "unknown flag --port"},
                    BadSetting{{}, {"--flush-interval-ms"}, "needs a value"},
                    BadSetting{{}, {"stray"}, "unexpected argument"}));

TEST(ConsumerConfig, ConsumerMetricsListenOnLoopbackByDefault) {
  auto loaded = LoadConsumerConfig({}, Env({}));
  EXPECT_EQ(loaded->config->metrics_host, "127.0.0.1");
  EXPECT_EQ(LoadConsumerConfig({"--metrics-host", "0.0.0.0"}, Env({}))->config->metrics_host,
            "0.0.0.0");
}

}  // namespace
}  // namespace la
