// la-admin topics: --replication-factor and --min-insync-replicas.
#include "tools/admin/topic_flags.h"

#include <gtest/gtest.h>

namespace la::admin {
namespace {

TEST(TopicFlags, DefaultToOneCopyOnTheSingleLocalBroker) {
  std::vector<std::string> args = {"--kafka-brokers", "b:9092"};
  Result<TopicDurability> durability = TakeTopicDurability(args);
  ASSERT_TRUE(durability.ok()) << durability.status().message();
  EXPECT_EQ(durability->replication_factor, 1);
  EXPECT_EQ(durability->min_insync_replicas, 1);
  EXPECT_EQ(args, (std::vector<std::string>{"--kafka-brokers", "b:9092"}));
}

TEST(TopicFlags, TakesTheProductionSettingsAndLeavesTheRest) {
  std::vector<std::string> args = {"--replication-factor", "3", "--dev", "--min-insync-replicas=2"};
  Result<TopicDurability> durability = TakeTopicDurability(args);
  ASSERT_TRUE(durability.ok()) << durability.status().message();
  EXPECT_EQ(durability->replication_factor, 3);
  EXPECT_EQ(durability->min_insync_replicas, 2);
  EXPECT_EQ(args, (std::vector<std::string>{"--dev"}));
}

TEST(TopicFlags, RefusesBadValuesNamingTheFlag) {
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--replication-factor", "0"},
        std::vector<std::string>{"--replication-factor", "3x"},
        std::vector<std::string>{"--min-insync-replicas", "-1"}}) {
    std::vector<std::string> args = bad;
    Result<TopicDurability> durability = TakeTopicDurability(args);
    ASSERT_FALSE(durability.ok()) << bad[0];
    EXPECT_NE(durability.status().message().find(bad[0] + " must be a whole number"),
              std::string::npos)
        << durability.status().message();
  }
}

TEST(TopicFlags, RefusesMoreInSyncReplicasThanCopies) {
  std::vector<std::string> args = {"--replication-factor", "1", "--min-insync-replicas", "2"};
  Result<TopicDurability> durability = TakeTopicDurability(args);
  ASSERT_FALSE(durability.ok());
  EXPECT_NE(durability.status().message().find("more than --replication-factor 1"),
            std::string::npos)
      << durability.status().message();
}

}  // namespace
}  // namespace la::admin
