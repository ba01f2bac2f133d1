#include "core/counting/log_anchor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;
using Kind = PartitionStart::Kind;

TEST(MessageDigestTest, TellsMessagesApartByKeyAndValue) {
  const uint64_t digest = MessageDigest("s1", R"({"eventId":"e1"})");
  EXPECT_EQ(digest, MessageDigest("s1", R"({"eventId":"e1"})"));
  EXPECT_NE(digest, MessageDigest("s1", R"({"eventId":"e2"})"));
  EXPECT_NE(digest, MessageDigest("s2", R"({"eventId":"e1"})"));
  // The same bytes split differently between key and value.
  EXPECT_NE(MessageDigest("ab", "c"), MessageDigest("a", "bc"));
  EXPECT_NE(MessageDigest("", "abc"), MessageDigest("abc", ""));
}

TEST(MessageDigestTest, IsStoredAsSixteenHexDigitsAndReadBack) {
  for (const uint64_t digest :
       {uint64_t{0}, uint64_t{0xabc}, ~uint64_t{0}, MessageDigest("key", "value")}) {
    const std::string text = FormatDigest(digest);
    EXPECT_EQ(text.size(), 16u);
    EXPECT_EQ(ParseDigest(text), digest) << text;
  }
  EXPECT_EQ(FormatDigest(0xabc), "0000000000000abc");
  for (const char* bad : {"", "abc", "0000000000000ABC", "000000000000000g", "00000000000000000"}) {
    EXPECT_EQ(ParseDigest(bad), std::nullopt) << bad;
  }
}

const LogAnchor kAnchor{41, MessageDigest("s1", "the like counted at 41")};

TEST(CheckLogTest, TheAnchorsMessageAtItsOffsetIsTheSameLog) {
  EXPECT_EQ(CheckLog(kAnchor, {0, 42, kAnchor.digest}).verdict, LogVerdict::kSameLog);
  EXPECT_EQ(CheckLog(kAnchor, {10, 5000, kAnchor.digest}).verdict, LogVerdict::kSameLog);
}

TEST(CheckLogTest, AnotherMessageAtTheAnchorsOffsetIsAReplacedLog) {
  // Re-created and grown past the anchor: the offsets alone could not tell.
  const LogCheck check = CheckLog(kAnchor, {0, 5000, MessageDigest("s1", "a new like")});
  EXPECT_EQ(check.verdict, LogVerdict::kReplaced);
  EXPECT_THAT(check.reason, HasSubstr("offset 41"));
  EXPECT_THAT(check.reason, HasSubstr("not the one that was counted"));
}

TEST(CheckLogTest, ALogThatEndsAtOrBeforeTheAnchorIsReplaced) {
  for (const int64_t end : {int64_t{0}, int64_t{3}, int64_t{41}}) {
    const LogCheck check = CheckLog(kAnchor, {0, end, std::nullopt});
    EXPECT_EQ(check.verdict, LogVerdict::kReplaced) << end;
    EXPECT_THAT(check.reason, HasSubstr("ends before offset 41"));
  }
}

TEST(CheckLogTest, AnAnchorRemovedByRetentionFromALogThatReachesPastItIsTheSameLog) {
  const LogCheck check = CheckLog(kAnchor, {100, 250, std::nullopt});
  EXPECT_EQ(check.verdict, LogVerdict::kAnchorExpired);
  EXPECT_THAT(check.reason, HasSubstr("retention"));
  // Everything up to the anchor was removed and nothing came after it.
  EXPECT_EQ(CheckLog(kAnchor, {42, 42, std::nullopt}).verdict, LogVerdict::kAnchorExpired);
}

TEST(DecideStartTest, WithoutARecordAPartitionStartsAtItsCommittedOffset) {
  EXPECT_EQ(DecideStart({}, std::nullopt).kind, Kind::kCommitted);
}

TEST(DecideStartTest, TheAnchoredLogStartsAtItsCommittedOffset) {
  EXPECT_EQ(DecideStart({kAnchor, std::nullopt}, LogAtAnchor{0, 60, kAnchor.digest}).kind,
            Kind::kCommitted);
  EXPECT_EQ(DecideStart({kAnchor, std::nullopt}, LogAtAnchor{50, 60, std::nullopt}).kind,
            Kind::kCommitted);
}

TEST(DecideStartTest, AReplacedLogHaltsWithTheReason) {
  const PartitionStart start =
      DecideStart({kAnchor, std::nullopt}, LogAtAnchor{0, 7, std::nullopt});
  EXPECT_EQ(start.kind, Kind::kHalt);
  EXPECT_THAT(start.reason, HasSubstr("ends before offset 41"));
  // Nothing to compare with is no reason to count.
  EXPECT_EQ(DecideStart({kAnchor, std::nullopt}, std::nullopt).kind, Kind::kHalt);
}

TEST(DecideStartTest, AReBasedPartitionStartsAtItsReBaseOffset) {
  const PartitionStart start = DecideStart({std::nullopt, 0}, std::nullopt);
  EXPECT_EQ(start.kind, Kind::kFromOffset);
  EXPECT_EQ(start.offset, 0);
  EXPECT_EQ(DecideStart({std::nullopt, 17}, std::nullopt).offset, 17);
  // Once the re-based log was committed, its anchor rules.
  EXPECT_EQ(DecideStart({kAnchor, 0}, LogAtAnchor{0, 42, kAnchor.digest}).kind, Kind::kCommitted);
}

}  // namespace
}  // namespace la
