// la-admin partitions: the command line (flags taken out before the connection settings).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/admin/partitions_commands.h"

namespace la::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Args = std::vector<std::string>;

TEST(PartitionsCommandLine, WithoutAnActionShowsThePartitionsAndLeavesTheSettings) {
  Args args = {"--kafka-topic", "events-x", "--dev"};
  Result<PartitionsCommand> command = TakePartitionsCommand(args);
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_EQ(command->action, "status");
  EXPECT_EQ(args, (Args{"--kafka-topic", "events-x", "--dev"}));
}

TEST(PartitionsCommandLine, RebaseTakesPartitionsSortedOnceAnOffsetAndADryRun) {
  Args args = {"rebase",    "--partition",      "3,1,3", "--from-offset=17",
               "--dry-run", "--mongo-database", "db"};
  Result<PartitionsCommand> command = TakePartitionsCommand(args);
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_EQ(command->action, "rebase");
  EXPECT_THAT(command->partitions, ElementsAre(1, 3));
  EXPECT_EQ(command->from_offset, 17);
  EXPECT_TRUE(command->dry_run);
  EXPECT_FALSE(command->replaced);
  EXPECT_EQ(args, (Args{"--mongo-database", "db"}));

  args = {"rebase", "--replaced"};
  command = TakePartitionsCommand(args);
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_TRUE(command->replaced);
  EXPECT_TRUE(command->partitions.empty());
  EXPECT_EQ(command->from_offset, std::nullopt);
}

TEST(PartitionsCommandLine, RefusesWhatItCannotDoWithAReasonAndTheUsage) {
  const std::vector<std::pair<Args, std::string>> refused = {
      {{"rebase"}, "either --partition P,... or --replaced"},
      {{"rebase", "--replaced", "--partition", "1"}, "either --partition P,... or --replaced"},
      {{"rebase", "--partition", "1,x"}, "--partition takes a number from 0, got \"x\""},
      {{"rebase", "--partition", "-2"}, "--partition takes a number from 0, got \"-2\""},
      {{"rebase", "--partition", "1,"}, "--partition takes a number from 0, got \"\""},
      {{"rebase", "--replaced", "--from-offset", "soon"}, "--from-offset takes a number"},
      {{"--replaced"}, "takes no flags"},
      {{"--dry-run"}, "takes no flags"},
      {{"forget"}, "unknown partitions action \"forget\""},
  };
  for (auto [args, reason] : refused) {
    Result<PartitionsCommand> command = TakePartitionsCommand(args);
    ASSERT_FALSE(command.ok()) << reason;
    EXPECT_THAT(command.status().message(), HasSubstr(reason));
    EXPECT_THAT(command.status().message(), HasSubstr("usage:"));
  }
}

}  // namespace
}  // namespace la::admin
