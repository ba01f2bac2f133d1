#include "core/counting/flush_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr DedupDecision kCount = DedupDecision::kCount;
constexpr DedupDecision kDuplicate = DedupDecision::kDuplicate;
// The wall clock of the flushes (a minute boundary plus 30 s); events without a
// timeStamp (0) fall outside the history window.
constexpr int64_t kNow = 1'795'944'600'000 + 30'000;

// What the store does with an applied update (its condition assumed to hold).
void ApplyToStates(const StreamUpdate& update, StreamStates& states) {
  StreamState& state = states[update.stream_id];
  state.likes += update.likes_to_add;
  for (const WatermarkAdvance& advance : update.advances) {
    state.watermarks[advance.partition] = advance.next;
  }
  ApplyHistoryChange(update.history, state.history);
}

// Plans `events` on `states` and applies every update.
void PlanAndApply(const std::vector<ClassifiedEvent>& events, StreamStates& states) {
  for (const StreamUpdate& update : PlanFlush(events, states, kNow).updates) {
    ApplyToStates(update, states);
  }
}

TEST(FlushPlanTest, NoEventsNoPlan) {
  const FlushPlan plan = PlanFlush({}, {}, kNow);
  EXPECT_THAT(plan.updates, IsEmpty());
  EXPECT_THAT(plan.totals, IsEmpty());
}

TEST(FlushPlanTest, AggregatesNewStreamsIntoCreations) {
  const std::vector<ClassifiedEvent> events = {
      {0, 10, "a", kCount}, {0, 11, "b", kCount}, {0, 12, "a", kCount}, {0, 13, "a", kCount}};
  const FlushPlan plan = PlanFlush(events, {}, kNow);

  ASSERT_EQ(plan.updates.size(), 2u);
  const StreamUpdate& a = plan.updates[0];
  EXPECT_EQ(a.stream_id, "a");
  EXPECT_FALSE(a.document_exists);
  EXPECT_EQ(a.expected_likes, 0);
  EXPECT_THAT(a.advances, ElementsAre(WatermarkAdvance{0, std::nullopt, 13}));
  EXPECT_EQ(a.likes_to_add, 3);
  EXPECT_EQ(a.new_likes, 3);
  EXPECT_EQ(plan.updates[1].stream_id, "b");
  EXPECT_EQ(plan.updates[1].likes_to_add, 1);
  EXPECT_THAT(plan.totals, ElementsAre(StreamTotal{"a", 3}, StreamTotal{"b", 1}));
}

TEST(FlushPlanTest, AddsToExistingDocumentsConditionallyOnWhatWasRead) {
  const StreamStates states = {{"a", {100, {{4, 7}}}}};
  const std::vector<ClassifiedEvent> events = {{4, 8, "a", kCount}, {4, 9, "a", kCount}};
  const FlushPlan plan = PlanFlush(events, states, kNow);

  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_TRUE(plan.updates[0].document_exists);
  EXPECT_EQ(plan.updates[0].expected_likes, 100);
  EXPECT_THAT(plan.updates[0].advances, ElementsAre(WatermarkAdvance{4, 7, 9}));
  EXPECT_EQ(plan.updates[0].likes_to_add, 2);
  EXPECT_EQ(plan.updates[0].new_likes, 102);
  EXPECT_THAT(plan.totals, ElementsAre(StreamTotal{"a", 102}));
}

TEST(FlushPlanTest, EventsAtOrBelowTheWatermarkAreNotReapplied) {
  const StreamStates states = {{"a", {5, {{1, 20}}}}};
  const std::vector<ClassifiedEvent> events = {
      {1, 19, "a", kCount}, {1, 20, "a", kCount}, {1, 21, "a", kCount}};
  const FlushPlan plan = PlanFlush(events, states, kNow);

  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_EQ(plan.updates[0].likes_to_add, 1);
  EXPECT_THAT(plan.updates[0].advances, ElementsAre(WatermarkAdvance{1, 20, 21}));
  EXPECT_THAT(plan.totals, ElementsAre(StreamTotal{"a", 6}));
}

TEST(FlushPlanTest, AnAlreadyAppliedStreamNeedsNoUpdateButStillReportsItsTotal) {
  const StreamStates states = {{"a", {3, {{0, 12}}}}};
  const std::vector<ClassifiedEvent> events = {{0, 10, "a", kCount}, {0, 12, "a", kCount}};
  const FlushPlan plan = PlanFlush(events, states, kNow);

  EXPECT_THAT(plan.updates, IsEmpty());
  EXPECT_THAT(plan.totals, ElementsAre(StreamTotal{"a", 3}));
}

TEST(FlushPlanTest, WatermarksOfOtherPartitionsDoNotHideEvents) {
  const StreamStates states = {{"a", {50, {{0, 1000}}}}};
  const FlushPlan plan = PlanFlush(std::vector<ClassifiedEvent>{{1, 5, "a", kCount}}, states, kNow);

  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_TRUE(plan.updates[0].document_exists);
  EXPECT_THAT(plan.updates[0].advances, ElementsAre(WatermarkAdvance{1, std::nullopt, 5}));
  EXPECT_EQ(plan.updates[0].new_likes, 51);
}

TEST(FlushPlanTest, DuplicatesMoveTheWatermarkWithoutCounting) {
  const std::vector<ClassifiedEvent> events = {
      {0, 1, "a", kCount}, {0, 2, "a", kDuplicate}, {0, 3, "b", kDuplicate}};
  const FlushPlan plan = PlanFlush(events, {}, kNow);

  ASSERT_EQ(plan.updates.size(), 2u);
  EXPECT_EQ(plan.updates[0].likes_to_add, 1);
  EXPECT_THAT(plan.updates[0].advances, ElementsAre(WatermarkAdvance{0, std::nullopt, 2}));
  EXPECT_EQ(plan.updates[1].stream_id, "b");
  EXPECT_EQ(plan.updates[1].likes_to_add, 0);
  EXPECT_THAT(plan.totals, ElementsAre(StreamTotal{"a", 1}))
      << "a stream that only saw duplicates did not change";
}

TEST(FlushPlanTest, OneStreamOnSeveralPartitionsIsOneUpdateMovingEveryWatermark) {
  const StreamStates states = {{"a", {10, {{2, 100}}}}};
  const std::vector<ClassifiedEvent> events = {{5, 7, "a", kCount},
                                               {2, 99, "a", kCount},  // already applied
                                               {2, 101, "a", kCount},
                                               {5, 8, "a", kCount},
                                               {2, 102, "a", kDuplicate}};
  const FlushPlan plan = PlanFlush(events, states, kNow);

  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_THAT(plan.updates[0].advances,
              ElementsAre(WatermarkAdvance{2, 100, 102}, WatermarkAdvance{5, std::nullopt, 8}));
  EXPECT_EQ(plan.updates[0].likes_to_add, 3);
  EXPECT_THAT(plan.totals, ElementsAre(StreamTotal{"a", 13}));
}

TEST(FlushPlanTest, APartiallyAppliedBatchReplaysExactly) {
  const std::vector<ClassifiedEvent> batch = {{0, 1, "a", kCount},     {0, 2, "b", kCount},
                                              {0, 3, "c", kCount},     {0, 4, "a", kCount},
                                              {0, 5, "b", kDuplicate}, {0, 6, "c", kCount}};
  StreamStates applied_once = {{"b", {7, {{0, 0}}}}};
  StreamStates partially_applied = applied_once;
  PlanAndApply(batch, applied_once);

  // A crash after the store applied only the update of "b".
  const FlushPlan first = PlanFlush(batch, partially_applied, kNow);
  ASSERT_EQ(first.updates.size(), 3u);
  ASSERT_EQ(first.updates[1].stream_id, "b");
  ApplyToStates(first.updates[1], partially_applied);

  const FlushPlan replay = PlanFlush(batch, partially_applied, kNow);
  ASSERT_EQ(replay.updates.size(), 2u) << "b is done";
  for (const StreamUpdate& update : replay.updates) ApplyToStates(update, partially_applied);
  EXPECT_THAT(replay.totals,
              ElementsAre(StreamTotal{"a", 2}, StreamTotal{"b", 8}, StreamTotal{"c", 2}));

  EXPECT_EQ(partially_applied.size(), applied_once.size());
  for (const auto& [stream_id, state] : applied_once) {
    EXPECT_EQ(partially_applied[stream_id].likes, state.likes) << stream_id;
    EXPECT_EQ(partially_applied[stream_id].watermarks, state.watermarks) << stream_id;
  }
  EXPECT_THAT(PlanFlush(batch, partially_applied, kNow).updates, IsEmpty())
      << "a third replay adds nothing";
}

// Likes over time.
TEST(FlushPlanTest, HistoryCountsExactlyTheLikesTheUpdateAddsInTheirMinutes) {
  const int64_t minute = kNow - kNow % kMinuteMs;
  const std::vector<ClassifiedEvent> batch = {
      {0, 10, "a", kCount, minute - kMinuteMs + 5},  // at the watermark: applied before
      {0, 11, "a", kCount, minute - kMinuteMs + 9},
      {0, 12, "a", kDuplicate, minute + 1},
      {0, 13, "a", kCount, minute + 2},
      {1, 4, "a", kCount, minute + 3}};
  const StreamStates states = {{"a", {1, {{0, 10}}, {}}}};
  const FlushPlan plan = PlanFlush(batch, states, kNow);
  ASSERT_EQ(plan.updates.size(), 1u);
  const HistoryChange& history = plan.updates[0].history;
  EXPECT_EQ(plan.updates[0].likes_to_add, 3);
  EXPECT_EQ(history.minute_increments,
            (std::map<int64_t, int64_t>{{minute / kMinuteMs - 1, 1}, {minute / kMinuteMs, 2}}));
  int64_t in_hours = 0;
  for (const auto& [hour, likes] : history.hour_increments) in_hours += likes;
  EXPECT_EQ(in_hours, 3);
}

TEST(FlushPlanTest, AReplayedBatchAddsNoHistory) {
  const std::vector<ClassifiedEvent> batch = {{0, 1, "a", kCount, kNow - 1000},
                                              {0, 2, "a", kCount, kNow - 500}};
  StreamStates states;
  PlanAndApply(batch, states);
  EXPECT_EQ(states["a"].history.minutes.size(), 1u);
  EXPECT_THAT(PlanFlush(batch, states, kNow).updates, IsEmpty());
}

TEST(FlushPlanTest, AnUpdateDropsTheExpiredBucketsItRead) {
  const int64_t now_minute = kNow / kMinuteMs;
  StreamState state{5, {{0, 1}}, {{now_minute - 61, now_minute - 60, now_minute - 59}, {}}};
  const FlushPlan plan =
      PlanFlush(std::vector<ClassifiedEvent>{{0, 2, "a", kCount, kNow}}, {{"a", state}}, kNow);
  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_EQ(plan.updates[0].history.minute_removals,
            (std::vector<int64_t>{now_minute - 61, now_minute - 60}));
}
// --- end likes over time ---

}  // namespace
}  // namespace la
