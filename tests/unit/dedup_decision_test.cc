#include "core/counting/dedup_decision.h"

#include <gtest/gtest.h>

namespace la {
namespace {

TEST(DedupDecisionTest, FormatsPositionAsPartitionColonOffset) {
  EXPECT_EQ(FormatPosition(3, 1042), "3:1042");
  EXPECT_EQ(FormatPosition(0, 0), "0:0");
  EXPECT_EQ(FormatPosition(11, 9007199254740993), "11:9007199254740993");
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
      {"own position: replay after a crash", "2:50", DedupDecision::kCount},
      {"other offset, same partition", "2:49", DedupDecision::kDuplicate},
      {"same offset, other partition", "7:50", DedupDecision::kDuplicate},
      {"other partition and offset", "0:3", DedupDecision::kDuplicate},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DecideDedup(c.stored, own), c.expected) << c.name;
  }
}

}  // namespace
}  // namespace la
