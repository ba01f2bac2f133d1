#include "core/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;

// A program with one switch (--json) and two flags that take values.
FlagKind KindOf(std::string_view name) {
  if (name == "json") return FlagKind::kSwitch;
  if (name == "rate" || name == "url") return FlagKind::kValue;
  return FlagKind::kUnknown;
}

std::vector<std::pair<std::string, std::string>> Pairs(const CommandLine& line) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const CommandLineFlag& flag : line.flags) {
    pairs.emplace_back(flag.name, flag.value.value_or("<none>"));
  }
  return pairs;
}

TEST(CommandLineTest, ReadsValuesAfterTheFlagOrAfterAnEqualsSign) {
  Result<CommandLine> line =
      ParseCommandLine({"--rate", "5", "--url=http://x:1/?a=b", "--json", "--rate="}, KindOf);
  ASSERT_TRUE(line.ok()) << line.status().message();
  EXPECT_FALSE(line->help);
  using Pair = std::pair<std::string, std::string>;
  EXPECT_THAT(Pairs(*line),
              ::testing::ElementsAre(Pair{"rate", "5"}, Pair{"url", "http://x:1/?a=b"},
                                     Pair{"json", "<none>"}, Pair{"rate", ""}));
}

TEST(CommandLineTest, ASwitchDoesNotTakeTheNextArgumentButMayHaveAnEqualsValue) {
  Result<CommandLine> line = ParseCommandLine({"--json", "--rate", "1", "--json=false"}, KindOf);
  ASSERT_TRUE(line.ok()) << line.status().message();
  ASSERT_EQ(line->flags.size(), 3u);
  EXPECT_FALSE(line->flags[0].value.has_value());
  EXPECT_EQ(line->flags[2].value, "false");
}

TEST(CommandLineTest, AValueThatLooksLikeAFlagIsStillTheValue) {
  Result<CommandLine> line = ParseCommandLine({"--url", "--json"}, KindOf);
  ASSERT_TRUE(line.ok()) << line.status().message();
  ASSERT_EQ(line->flags.size(), 1u);
  EXPECT_EQ(line->flags[0].value, "--json");
}

TEST(CommandLineTest, HelpStopsReadingSoLaterMistakesDoNotHideIt) {
  for (const char* help : {"--help", "-h"}) {
    Result<CommandLine> line = ParseCommandLine({"--rate", "1", help, "--bogus", "stray"}, KindOf);
    ASSERT_TRUE(line.ok()) << line.status().message();
    EXPECT_TRUE(line->help);
    EXPECT_EQ(line->flags.size(), 1u);
  }
}

TEST(CommandLineTest, MistakesAreNamed) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : {Case{{"--bogus", "1"}, "unknown flag --bogus; see --help"},
                        Case{{"--bogus=1"}, "unknown flag --bogus; see --help"},
                        Case{{"--json", "stray"}, "unexpected argument \"stray\"; see --help"},
                        Case{{"-r", "1"}, "unexpected argument \"-r\""},
                        Case{{"--json", "--rate"}, "flag --rate needs a value"}}) {
    Result<CommandLine> line = ParseCommandLine(c.args, KindOf);
    ASSERT_FALSE(line.ok()) << c.message;
    EXPECT_THAT(line.status().message(), HasSubstr(c.message));
  }
}

TEST(CommandLineTest, NothingGivenIsNoFlags) {
  Result<CommandLine> line = ParseCommandLine({}, KindOf);
  ASSERT_TRUE(line.ok());
  EXPECT_FALSE(line->help);
  EXPECT_TRUE(line->flags.empty());
}

}  // namespace
}  // namespace la
