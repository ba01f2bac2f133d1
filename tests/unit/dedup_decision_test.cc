#include "core/counting/dedup_decision.h"

#include <gtest/gtest.h>

namespace la {
namespace {

TEST(DedupDecisionTest, FormatsPositionAsPartitionColonOffset) {
  EXPECT_EQ(FormatPosition(3, 1042), "3:1042");
  EXPECT_EQ(FormatPosition(0, 0), "0:0");
  EXPECT_EQ(FormatPosition(11, 9007199254740993), "11:9007199254740993");
}

TEST(DedupDecisionTest, KeysAndValues) {
  EXPECT_EQ(DedupKey("u1", "e:1"), "dedup:u1:e:1");
  EXPECT_EQ(StreamDedupKey("u1", "e:1", "s:1"), "dedup:u1:e:1/s:1");
  EXPECT_EQ(EventIdClaimValue("2:50", "s:1"), "2:50/s:1");
}

TEST(DedupDecisionTest, DecisionTable) {
  struct Case {
    const char* name;
    std::optional<std::string> stored;
    DedupDecision expected;
  };
  const std::string own = FormatPosition(2, 50);
  const Case cases[] = {
      {"absent: this copy is the first", std::nullopt, DedupDecision::kCount},
      {"own position: replay after a crash", "2:50/s1", DedupDecision::kCount},
      {"other offset, same stream", "2:49/s1", DedupDecision::kDuplicate},
      {"same offset, other partition", "7:50/s1", DedupDecision::kDuplicate},
      {"a stream whose id holds ':'", "0:3/s1", DedupDecision::kDuplicate},
      {"first used on another stream", "0:3/s2", DedupDecision::kClaimOnItsStream},
      {"first used on a stream whose id extends this one's", "0:3/s10",
       DedupDecision::kClaimOnItsStream},
      // Values without a stream: a stream key's, or one an older consumer wrote.
      {"bare own position", "2:50", DedupDecision::kCount},
      {"bare other position", "2:49", DedupDecision::kDuplicate},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DecideDedup(c.stored, own, "s1"), c.expected) << c.name;
  }
}

}  // namespace
}  // namespace la
