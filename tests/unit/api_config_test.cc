// la-api's configuration (config/api_config.h): environment, flags, precedence and
// fail-fast validation.
#include "config/api_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/fakes/config_env.h"

namespace la {
namespace {

const std::string& kSecret = kTestSecret;

TEST(ApiConfig, FlagsOverrideEnvironment) {
  auto loaded =
      LoadApiConfig({"--port", "3005", "--kafka-brokers=k1:1,k2:2"},
                    Env({{"PORT", "3001"}, {"JWT_SECRET", kSecret}, {"KAFKA_BROKERS", "x:9"}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->port, 3005);
  EXPECT_EQ(loaded->config->kafka_brokers, "k1:1,k2:2");
  EXPECT_EQ(loaded->config->jwt_secret, kSecret);
}

TEST(ApiConfig, TheViewerNodeTtlMustCoverAFewReports) {
  auto loaded = LoadApiConfig({"--viewer-report-ms", "2000"},
                              Env({{"JWT_SECRET", kSecret}, {"VIEWER_NODE_TTL_MS", "5000"}}));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("VIEWER_NODE_TTL_MS (5000) must be at least 3 x"),
            std::string::npos)
      << loaded.status().message();
  auto defaults = LoadApiConfig({}, Env({{"JWT_SECRET", kSecret}}));
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_EQ(defaults->config->viewer_report_ms, 1000);
  EXPECT_EQ(defaults->config->viewer_node_ttl_ms, 10000);
}

TEST(ApiConfig, HelpListsTheSettingsOfTheApiNode) {
  auto loaded = LoadApiConfig({"--help"}, Env({}));
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->config.has_value());
  EXPECT_NE(loaded->help.find("JWT_SECRET"), std::string::npos);
  EXPECT_NE(loaded->help.find("MAX_HELD_POLLS"), std::string::npos);
  EXPECT_EQ(loaded->help.find("FLUSH_INTERVAL_MS"), std::string::npos);  // a consumer setting
}

class ApiConfigRejects : public testing::TestWithParam<BadSetting> {};

TEST_P(ApiConfigRejects, WithAMessageNamingTheSetting) {
  ExpectRefused(LoadApiConfig(GetParam().args, Env(GetParam().env)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ApiConfigRejects,
    testing::Values(
        BadSetting{{}, {}, "JWT_SECRET is not set"},
        BadSetting{{{"JWT_SECRET", "short"}}, {}, "at least 32"},
        BadSetting{
            {{"JWT_SECRET", kTestSecret}, {"PORT", "http"}}, {}, "PORT must be a whole number"},
        BadSetting{
            {{"JWT_SECRET", kTestSecret}}, {"--port", "70000"}, "PORT must be between 1 and 65535"},
        BadSetting{
            {{"JWT_SECRET", kTestSecret}, {"ADMIN_EMAIL", "a@b.c"}}, {}, "must be set together"},
        BadSetting{{{"JWT_SECRET", kTestSecret}, {"MAX_HELD_POLLS", "10000"}},
                   {},
                   "MAX_HELD_POLLS (10000) must be between 1 and MAX_CONNECTIONS - 1 (9999)"},
        BadSetting{{{"JWT_SECRET", kTestSecret}, {"MAX_HELD_POLLS", "0"}},
                   {"--max-connections", "100"},
                   "MAX_HELD_POLLS (0) must be between 1 and MAX_CONNECTIONS - 1 (99)"},
        BadSetting{{{"JWT_SECRET", kTestSecret}},
                   {"--flush-interval-ms", "5"},
                   "unknown flag --flush-interval-ms"}));

// Held polling GETs get a cap of their own below the connection cap, so that they can never
// take every connection (likes and logins need some).
TEST(ApiConfig, HeldPollsDefaultToHalfTheConnectionCap) {
  auto held_polls = [](std::vector<std::string> args) {
    args.push_back("--dev");
    auto loaded = LoadApiConfig(args, Env({}));
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? loaded->config->max_held_polls : -2;
  };
  EXPECT_EQ(held_polls({}), 5000);
  EXPECT_EQ(held_polls({"--max-connections", "100"}), 50);
  EXPECT_EQ(held_polls({"--max-connections", "100", "--max-held-polls", "99"}), 99);
  EXPECT_EQ(held_polls({"--max-connections", "0"}), 0) << "no connection cap: no held-poll cap";
}

TEST(ApiConfig, ProducerBatchingDefault) {
  auto loaded = LoadApiConfig({"--dev"}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->kafka_linger_ms, 25);       // bench/RESULTS.md, "cost per like", A/B 5
  EXPECT_EQ(loaded->config->kafka_batch_messages, 16);  // ... and A/B 7
}

TEST(ApiConfig, DevModeSuppliesASecret) {
  auto loaded = LoadApiConfig({"--dev"}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_GE(loaded->config->jwt_secret.size(), 32u);
  EXPECT_TRUE(loaded->config->dev_mode);
}

// Abuse limits.
TEST(ApiConfig, AbuseLimitsHaveProductDefaults) {
  auto loaded = LoadApiConfig({}, Env({{"JWT_SECRET", kSecret}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const ApiConfig& c = *loaded->config;
  EXPECT_EQ(c.trusted_proxies, "127.0.0.0/8,::1/128");
  EXPECT_EQ(c.login_rate_per_min, 20);
  EXPECT_EQ(c.like_rate_per_s, 5);
  EXPECT_EQ(c.like_burst, 20);
  EXPECT_EQ(c.password_queue, 16);
  EXPECT_EQ(c.password_jobs_per_address, 1);
  EXPECT_EQ(c.max_sessions_per_address, 200);
}

TEST(ApiConfig, AbuseLimitsAreSettings) {
  auto loaded = LoadApiConfig(
      {"--like-rate-per-s", "0", "--trusted-proxies=10.0.0.0/8", "--read-queue=9"},
      Env({{"JWT_SECRET", kSecret}, {"LOGIN_RATE_PER_MIN", "600"}, {"MAX_SESSIONS", "7"}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->like_rate_per_s, 0);
  EXPECT_EQ(loaded->config->trusted_proxies, "10.0.0.0/8");
  EXPECT_EQ(loaded->config->read_queue, 9);
  EXPECT_EQ(loaded->config->login_rate_per_min, 600);
  EXPECT_EQ(loaded->config->max_sessions, 7);
}

TEST(ApiConfig, ABadLimitNamesTheSettingAndValue) {
  auto proxies =
      LoadApiConfig({"--trusted-proxies", "nginx.local"}, Env({{"JWT_SECRET", kSecret}}));
  ASSERT_FALSE(proxies.ok());
  EXPECT_NE(proxies.status().message().find("nginx.local"), std::string::npos);
  auto queue = LoadApiConfig({}, Env({{"JWT_SECRET", kSecret}, {"PASSWORD_QUEUE", "0"}}));
  ASSERT_FALSE(queue.ok());
  EXPECT_NE(queue.status().message().find("PASSWORD_QUEUE"), std::string::npos);
}

TEST(ApiConfig, ASecretGivenAsAFlagIsWarnedAbout) {
  auto loaded =
      LoadApiConfig({"--jwt-secret", kSecret, "--mongo-uri=mongodb://u:pw@db/x"}, Env({}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->warnings.size(), 2u);
  EXPECT_NE(loaded->warnings[0].find("--jwt-secret"), std::string::npos);
  EXPECT_NE(loaded->warnings[0].find("JWT_SECRET_FILE"), std::string::npos);
  EXPECT_EQ(loaded->warnings[0].find(kSecret), std::string::npos)
      << "the warning repeats the secret";
  auto from_env = LoadApiConfig({}, Env({{"JWT_SECRET", kSecret}}));
  EXPECT_TRUE(from_env->warnings.empty());
}

TEST(ApiConfig, TheJwtSecretMayComeFromAFile) {
  const std::string path = ::testing::TempDir() + "/la-jwt-secret";
  {
    std::ofstream file(path);
    file << kSecret << "\n";
  }
  auto loaded = LoadApiConfig({}, Env({{"JWT_SECRET_FILE", path}}));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config->jwt_secret, kSecret);
  auto both = LoadApiConfig({}, Env({{"JWT_SECRET_FILE", path}, {"JWT_SECRET", kSecret}}));
  EXPECT_FALSE(both.ok());
  auto missing = LoadApiConfig({}, Env({{"JWT_SECRET_FILE", path + ".missing"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(".missing"), std::string::npos);
}

}  // namespace
}  // namespace la
