// The DLQ tooling's pure rules: naming dead letters, lists of them, previews.
#include "core/counting/dead_letter.h"

#include <gtest/gtest.h>

namespace la {
namespace {

TEST(DeadLetterPosition, ParsesPartitionColonOffset) {
  Result<DeadLetterPosition> position = ParseDeadLetterPosition("2:1234567890123");
  ASSERT_TRUE(position.ok()) << position.status().message();
  EXPECT_EQ(position->partition, 2);
  EXPECT_EQ(position->offset, 1234567890123);
  EXPECT_EQ(FormatDeadLetterPosition(*position), "2:1234567890123");
}

TEST(DeadLetterPosition, RejectsAnythingElseNamingTheValueAndTheFormat) {
  for (const char* bad : {"", "12", ":3", "3:", "-1:2", "1:-2", "a:1", "1:2:3", "1: 2", "1:2x"}) {
    Result<DeadLetterPosition> position = ParseDeadLetterPosition(bad);
    ASSERT_FALSE(position.ok()) << bad;
    EXPECT_NE(position.status().message().find("PARTITION:OFFSET"), std::string::npos);
    EXPECT_NE(position.status().message().find(std::string("\"") + bad + "\""), std::string::npos);
  }
}

TEST(DeadLetterPositions, ParsesACommaListSortedWithoutDuplicates) {
  Result<std::vector<DeadLetterPosition>> positions = ParseDeadLetterPositions("1:5,0:9,1:5,0:2");
  ASSERT_TRUE(positions.ok()) << positions.status().message();
  EXPECT_EQ(*positions, (std::vector<DeadLetterPosition>{{0, 2}, {0, 9}, {1, 5}}));
}

TEST(DeadLetterPositions, OneBadEntryRejectsTheList) {
  EXPECT_FALSE(ParseDeadLetterPositions("0:1,,0:2").ok());
  EXPECT_FALSE(ParseDeadLetterPositions("0:1,x").ok());
  EXPECT_FALSE(ParseDeadLetterPositions("").ok());
}

TEST(PreviewBytes, KeepsPrintableAsciiAndEscapesTheRest) {
  EXPECT_EQ(PreviewBytes("{\"a\":1}", 80), "{\"a\":1}");
  EXPECT_EQ(PreviewBytes(std::string("a\nb\0c\\", 6), 80), "a\\x0ab\\x00c\\\\");
  EXPECT_EQ(PreviewBytes("caf\xc3\xa9", 80), "caf\\xc3\\xa9");
}

TEST(PreviewBytes, CutsAtTheLimitWithoutSplittingAnEscape) {
  EXPECT_EQ(PreviewBytes("abcdefgh", 5), "abcde...");
  EXPECT_EQ(PreviewBytes("abcd\x01", 6), "abcd...");  // \x01 needs 4 characters
  EXPECT_EQ(PreviewBytes("", 5), "");
}

TEST(HeaderValue, FindsTheFirstHeaderOfThatName) {
  const HeaderPairs headers = {{"error", "bad json"}, {"originalOffset", "7"}, {"error", "later"}};
  EXPECT_EQ(HeaderValue(headers, "error"), "bad json");
  EXPECT_EQ(HeaderValue(headers, "originalOffset"), "7");
  EXPECT_EQ(HeaderValue(headers, "missing"), "");
}

}  // namespace
}  // namespace la
