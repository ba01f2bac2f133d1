#include "core/realtime/stream_updates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ParseStreamTotalsTest, ParsesTheConsumersMessage) {
  Result<std::vector<StreamTotal>> totals =
      ParseStreamTotals(R"([{"streamId":"s1","likes":42},{"streamId":"a.b:c-d_e","likes":0}])");
  ASSERT_TRUE(totals.ok()) << totals.status().message();
  EXPECT_THAT(*totals, ElementsAre(StreamTotal{"s1", 42}, StreamTotal{"a.b:c-d_e", 0}));
}

TEST(ParseStreamTotalsTest, AcceptsAnEmptyArrayAndExtraFields) {
  EXPECT_THAT(*ParseStreamTotals("[]"), IsEmpty());
  EXPECT_THAT(*ParseStreamTotals(R"([{"streamId":"s","likes":3,"updatedAt":1700000000}])"),
              ElementsAre(StreamTotal{"s", 3}));
}

TEST(ParseStreamTotalsTest, RefusesNestingBeyondTheMessageShapeWithoutParsingIt) {
  EXPECT_THAT(ParseStreamTotals(R"([{"streamId":"s","likes":3,"wm":{"1":7}}])").status().message(),
              HasSubstr("nests deeper than 2 levels"));
  const std::string deep = "[" + std::string(100000, '[') + std::string(100000, ']') + "]";
  EXPECT_THAT(ParseStreamTotals(deep).status().message(), HasSubstr("nests deeper than 2 levels"));
}

TEST(ParseStreamTotalsTest, RejectsWhatIsNotAnArrayOfTotals) {
  EXPECT_THAT(ParseStreamTotals("").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseStreamTotals("[{").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseStreamTotals(R"({"streamId":"s","likes":1})").status().message(),
              HasSubstr("must be a JSON array, got object"));
  EXPECT_THAT(ParseStreamTotals("[1]").status().message(),
              HasSubstr("element 0: expected an object"));
}

TEST(ParseStreamTotalsTest, NamesTheBadElement) {
  const std::string prefix = R"([{"streamId":"ok","likes":1},)";
  EXPECT_THAT(ParseStreamTotals(prefix + R"({"likes":1}])").status().message(),
              HasSubstr("element 1: streamId must be a string"));
  EXPECT_THAT(ParseStreamTotals(prefix + R"({"streamId":"a b","likes":1}])").status().message(),
              HasSubstr("element 1: streamId must be 1-128 characters"));
  EXPECT_THAT(ParseStreamTotals(prefix + R"({"streamId":"s","likes":-1}])").status().message(),
              HasSubstr("likes must be a non-negative integer"));
  EXPECT_THAT(ParseStreamTotals(prefix + R"({"streamId":"s","likes":1.5}])").status().message(),
              HasSubstr("likes must be a non-negative integer"));
  EXPECT_THAT(ParseStreamTotals(prefix + R"({"streamId":"s","likes":"7"}])").status().message(),
              HasSubstr("likes must be a non-negative integer"));
  EXPECT_THAT(ParseStreamTotals(prefix + R"({"streamId":"s"}])").status().message(),
              HasSubstr("likes must be a non-negative integer"));
}

TEST(StreamTotalsJsonTest, WritesTheMessageShape) {
  const std::vector<StreamTotal> totals = {{"s1", 42}, {"s2", 7}};
  EXPECT_EQ(StreamTotalsJson(totals).dump(),
            R"([{"likes":42,"streamId":"s1"},{"likes":7,"streamId":"s2"}])");
  EXPECT_EQ(StreamTotalsJson({}).dump(), "[]");
  EXPECT_EQ(StreamTotalJson({"s", 3}), (nlohmann::json{{"streamId", "s"}, {"likes", 3}}));
}

TEST(HoldTotalTest, KeepsTheHighestTotalPerStream) {
  HeldTotals held;
  HoldTotal(held, {"s", 5});
  HoldTotal(held, {"s", 3});  // an older total that arrived late
  HoldTotal(held, {"t", 1});
  HoldTotal(held, {"s", 9});
  EXPECT_EQ(held, (HeldTotals{{"s", 9}, {"t", 1}}));
}

TEST(FoldHeldTotalsTest, WithNothingHeldTheSnapshotIsUnchanged) {
  FoldedSnapshot folded = FoldHeldTotals({{"a", 9}, {"b", 4}}, {});
  EXPECT_THAT(folded.snapshot, ElementsAre(StreamTotal{"a", 9}, StreamTotal{"b", 4}));
  EXPECT_THAT(folded.changes, IsEmpty());
}

TEST(FoldHeldTotalsTest, RaisesSnapshotTotalsToNewerHeldOnesAndNeverLowersThem) {
  // "a" changed after the read; "b" was read after its (held) update was written.
  FoldedSnapshot folded = FoldHeldTotals({{"a", 9}, {"b", 4}}, {{"a", 12}, {"b", 3}});
  EXPECT_THAT(folded.snapshot, ElementsAre(StreamTotal{"a", 12}, StreamTotal{"b", 4}));
  EXPECT_THAT(folded.changes, IsEmpty());
}

TEST(FoldHeldTotalsTest, HeldStreamsMissingFromTheSnapshotFollowSortedAsChanges) {
  FoldedSnapshot folded = FoldHeldTotals({{"a", 9}}, {{"z", 1}, {"a", 10}, {"m", 2}});
  EXPECT_THAT(folded.snapshot, ElementsAre(StreamTotal{"a", 10}));
  EXPECT_THAT(folded.changes, ElementsAre(StreamTotal{"m", 2}, StreamTotal{"z", 1}));
}

TEST(FoldHeldTotalsTest, AnEmptySnapshotLeavesEverythingToTheChanges) {
  FoldedSnapshot folded = FoldHeldTotals({}, {{"b", 2}, {"a", 1}});
  EXPECT_THAT(folded.snapshot, IsEmpty());
  EXPECT_THAT(folded.changes, ElementsAre(StreamTotal{"a", 1}, StreamTotal{"b", 2}));
}

TEST(MergePendingTotalsTest, KeepsEachStreamOnceAtItsHigherTotal) {
  // Totals only grow, but an older message may still arrive with a lower one: never lower.
  EXPECT_THAT(
      MergePendingTotals({{"a", 5}, {"b", 9}}, std::vector<StreamTotal>{{"b", 7}, {"a", 6}}),
      ElementsAre(StreamTotal{"a", 6}, StreamTotal{"b", 9}));
}

TEST(MergePendingTotalsTest, AppendsNewStreamsInTheUpdatesOrder) {
  EXPECT_THAT(
      MergePendingTotals({{"b", 1}}, std::vector<StreamTotal>{{"c", 3}, {"a", 2}, {"b", 4}}),
      ElementsAre(StreamTotal{"b", 4}, StreamTotal{"c", 3}, StreamTotal{"a", 2}));
  EXPECT_THAT(MergePendingTotals({}, std::vector<StreamTotal>{{"a", 1}}),
              ElementsAre(StreamTotal{"a", 1}));
  EXPECT_THAT(MergePendingTotals({{"a", 1}}, {}), ElementsAre(StreamTotal{"a", 1}));
}

TEST(MergePendingTotalsTest, StaysBoundedByTheNumberOfStreamsOverManyUpdates) {
  // A client that reads nothing while 1,000 updates of 3 streams (and long ids, which do
  // not fit in a short string) arrive has one pending update of 3 totals, the latest.
  const std::string long_id(40, 'x');
  std::vector<StreamTotal> pending;
  for (int64_t n = 1; n <= 1000; ++n) {
    pending = MergePendingTotals(
        std::move(pending),
        std::vector<StreamTotal>{{long_id, n}, {"s" + std::to_string(n % 3), n}});
  }
  EXPECT_THAT(pending, ElementsAre(StreamTotal{long_id, 1000}, StreamTotal{"s1", 1000},
                                   StreamTotal{"s2", 998}, StreamTotal{"s0", 999}));
}

TEST(MergePendingTotalsTest, MergesDuplicatesWithinOneUpdate) {
  EXPECT_THAT(
      MergePendingTotals({{"a", 3}, {"a", 1}}, std::vector<StreamTotal>{{"b", 2}, {"b", 5}}),
      ElementsAre(StreamTotal{"a", 3}, StreamTotal{"b", 5}));
}

}  // namespace
}  // namespace la
