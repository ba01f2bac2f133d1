// la-admin dlq: the command line (flags taken out before the connection settings).
#include <gtest/gtest.h>

#include "tools/admin/dlq_commands.h"

namespace la::admin {
namespace {

TEST(DlqCommandLine, ListTakesALimitAndLeavesTheSettings) {
  std::vector<std::string> args = {"list", "--kafka-dlq-topic", "dlq-x", "--limit=5"};
  Result<DlqCommand> command = TakeDlqCommand(args);
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_EQ(command->action, "list");
  EXPECT_EQ(command->limit, 5u);
  EXPECT_EQ(args, (std::vector<std::string>{"--kafka-dlq-topic", "dlq-x"}));
}

TEST(DlqCommandLine, AFlagWithoutItsValueIsNamed) {
  std::vector<std::string> args = {"list", "--limit"};
  Result<DlqCommand> command = TakeDlqCommand(args);
  ASSERT_FALSE(command.ok());
  EXPECT_NE(command.status().message().find("flag --limit needs a value"), std::string::npos)
      << command.status().message();
}

TEST(DlqCommandLine, ShowTakesOnePosition) {
  std::vector<std::string> args = {"--dev", "show", "2:40"};
  Result<DlqCommand> command = TakeDlqCommand(args);
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_EQ(command->position, (DeadLetterPosition{2, 40}));
  EXPECT_EQ(args, (std::vector<std::string>{"--dev"}));
}

TEST(DlqCommandLine, ReplayTakesOffsetsOrAllAndADryRun) {
  std::vector<std::string> args = {"replay", "--offsets", "1:2,0:7", "--dry-run"};
  Result<DlqCommand> command = TakeDlqCommand(args);
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_EQ(command->replay.positions, (std::vector<DeadLetterPosition>{{0, 7}, {1, 2}}));
  EXPECT_TRUE(command->replay.dry_run);
  EXPECT_FALSE(command->replay.all);

  args = {"replay", "--all"};
  command = TakeDlqCommand(args);
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_TRUE(command->replay.all);
  EXPECT_FALSE(command->replay.dry_run);
}

TEST(DlqCommandLine, RejectsMissingOrConflictingChoicesWithTheUsage) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{},
                                             {"purge"},
                                             {"show"},
                                             {"show", "12"},
                                             {"replay"},
                                             {"replay", "--all", "--offsets", "0:1"},
                                             {"replay", "--offsets", "0:1,x"},
                                             {"list", "--limit", "0"},
                                             {"list", "--limit", "many"},
                                             {"list", "--dry-run"}}) {
    Result<DlqCommand> command = TakeDlqCommand(args);
    EXPECT_FALSE(command.ok());
  }
  std::vector<std::string> args = {"replay"};
  EXPECT_NE(TakeDlqCommand(args).status().message().find("dlq replay --offsets"),
            std::string::npos);
}

}  // namespace
}  // namespace la::admin
