// la-admin's connection settings (config/tool_config.h).
#include "config/tool_config.h"

#include <gtest/gtest.h>

#include "tests/unit/fakes/config_env.h"

namespace la {
namespace {

TEST(ToolConfig, TheSecretIsOptionalButCheckedWhenSet) {
  auto none = LoadToolConfig({}, Env({}));
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->config->jwt_secret.empty());
  EXPECT_EQ(none->config->kafka_partitions, 12);
  ExpectRefused(LoadToolConfig({}, Env({{"JWT_SECRET", "short"}})), "at least 32");
}

class ToolConfigRejects : public testing::TestWithParam<BadSetting> {};

TEST_P(ToolConfigRejects, WithAMessageNamingTheSetting) {
  ExpectRefused(LoadToolConfig(GetParam().args, Env(GetParam().env)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ToolConfigRejects,
    testing::Values(BadSetting{{{"ADMIN_EMAIL", "admin at example.com"},
                                {"ADMIN_PASSWORD", "password1"}},
                               {},
                               "ADMIN_EMAIL must look like name@example.com"},
                    BadSetting{{}, {"--kafka-partitions", "0"}, "KAFKA_PARTITIONS must be between"},
                    BadSetting{{}, {"--port", "1"}, "unknown flag --port"}));

}  // namespace
}  // namespace la
