// Likes over time: which bucket a like goes to, roll-over and the retention bound.
#include "core/counting/like_history.h"

#include <gtest/gtest.h>

namespace la {
namespace {

// A time 15.5 s into a minute, and the indexes of its minute and hour.
constexpr int64_t kNow = 1795944615500;
constexpr int64_t kNowMinute = kNow / kMinuteMs;
constexpr int64_t kNowHour = kNow / kHourMs;

TEST(LikeHistory, BucketIndexIsFloorDivision) {
  EXPECT_EQ(BucketIndex(0, kMinuteMs), 0);
  EXPECT_EQ(BucketIndex(59'999, kMinuteMs), 0);
  EXPECT_EQ(BucketIndex(60'000, kMinuteMs), 1);
  EXPECT_EQ(BucketIndex(-1, kMinuteMs), -1);
}

TEST(LikeHistory, EachLikeGoesToTheMinuteAndHourOfItsTimeStamp) {
  const std::vector<int64_t> likes = {kNow, kNow - 1000, kNow - 3 * kMinuteMs, kNow - 2 * kHourMs};
  const HistoryChange change = PlanHistoryChange(likes, {}, kNow);
  EXPECT_EQ(change.minute_increments,
            (std::map<int64_t, int64_t>{{kNowMinute - 3, 1}, {kNowMinute, 2}}));
  EXPECT_EQ(change.hour_increments, (std::map<int64_t, int64_t>{{kNowHour - 2, 1}, {kNowHour, 3}}));
  EXPECT_TRUE(change.minute_removals.empty());
  EXPECT_TRUE(change.hour_removals.empty());
}

TEST(LikeHistory, ALikeOlderThanAWindowIsLeftOutOfItsBucketsOnly) {
  const int64_t edge_minute = (kNowMinute - 59) * kMinuteMs;  // the oldest minute kept
  const std::vector<int64_t> likes = {edge_minute, edge_minute - 1, kNow - 24 * kHourMs};
  const HistoryChange change = PlanHistoryChange(likes, {}, kNow);
  EXPECT_EQ(change.minute_increments, (std::map<int64_t, int64_t>{{kNowMinute - 59, 1}}));
  std::map<int64_t, int64_t> hours;  // both within the day; kNow - 24 h is not
  ++hours[BucketIndex(edge_minute - 1, kHourMs)];
  ++hours[BucketIndex(edge_minute, kHourMs)];
  EXPECT_EQ(change.hour_increments, hours);
}

TEST(LikeHistory, AFutureTimeStampCountsInNowsBucket) {
  const std::vector<int64_t> likes = {kNow + 5 * kMinuteMs};
  const HistoryChange change = PlanHistoryChange(likes, {}, kNow);
  EXPECT_EQ(change.minute_increments, (std::map<int64_t, int64_t>{{kNowMinute, 1}}));
  EXPECT_EQ(change.hour_increments, (std::map<int64_t, int64_t>{{kNowHour, 1}}));
}

TEST(LikeHistory, RollOverRemovesTheBucketsThatLeftTheWindow) {
  HistoryBuckets stored;
  for (int64_t m = kNowMinute - 65; m <= kNowMinute; ++m) stored.minutes.insert(m);
  for (int64_t h = kNowHour - 30; h <= kNowHour; ++h) stored.hours.insert(h);
  const std::vector<int64_t> likes = {kNow};
  const HistoryChange change = PlanHistoryChange(likes, stored, kNow);
  EXPECT_EQ(change.minute_removals,
            (std::vector<int64_t>{kNowMinute - 65, kNowMinute - 64, kNowMinute - 63,
                                  kNowMinute - 62, kNowMinute - 61, kNowMinute - 60}));
  ASSERT_EQ(change.hour_removals.size(), 7u);
  EXPECT_EQ(change.hour_removals.front(), kNowHour - 30);
  EXPECT_EQ(change.hour_removals.back(), kNowHour - 24);
}

TEST(LikeHistory, IncrementsAndRemovalsNeverNameTheSameBucket) {
  HistoryBuckets stored;
  for (int64_t m = kNowMinute - 200; m <= kNowMinute; ++m) stored.minutes.insert(m);
  std::vector<int64_t> likes;
  for (int64_t t = kNow - 3 * kHourMs; t <= kNow; t += 7'000) likes.push_back(t);
  const HistoryChange change = PlanHistoryChange(likes, stored, kNow);
  for (const int64_t removed : change.minute_removals) {
    EXPECT_FALSE(change.minute_increments.contains(removed)) << removed;
  }
}

// Applies a change to a document's buckets as MongoDB would.
void Apply(const HistoryChange& change, std::map<int64_t, int64_t>& minutes,
           std::map<int64_t, int64_t>& hours) {
  for (const auto& [bucket, likes] : change.minute_increments) minutes[bucket] += likes;
  for (const auto& [bucket, likes] : change.hour_increments) hours[bucket] += likes;
  for (const int64_t bucket : change.minute_removals) minutes.erase(bucket);
  for (const int64_t bucket : change.hour_removals) hours.erase(bucket);
}

TEST(LikeHistory, ADocumentUpdatedForTwoDaysStaysWithinTheRetentionBound) {
  std::map<int64_t, int64_t> minutes, hours;
  int64_t likes_in_window = 0;
  const int64_t start = kNow - 48 * kHourMs;
  for (int64_t now = start; now <= kNow; now += 37'000) {  // a flush every 37 s, one like each
    HistoryBuckets stored;
    for (const auto& [bucket, count] : minutes) stored.minutes.insert(bucket);
    for (const auto& [bucket, count] : hours) stored.hours.insert(bucket);
    const std::vector<int64_t> likes = {now - 1000};
    Apply(PlanHistoryChange(likes, stored, now), minutes, hours);
    EXPECT_LE(minutes.size(), static_cast<size_t>(kMinuteBuckets));
    EXPECT_LE(hours.size(), static_cast<size_t>(kHourBuckets));
    if (now - 1000 >= (BucketIndex(kNow, kMinuteMs) - 59) * kMinuteMs) ++likes_in_window;
  }
  int64_t sum = 0;
  for (const HistoryPoint& point : MinuteSeries(minutes, kNow)) sum += point.likes;
  EXPECT_EQ(sum, likes_in_window);
}

TEST(LikeHistory, ApplyingAChangeAddsIncrementedAndDropsRemovedBuckets) {
  HistoryBuckets buckets{{1, 2, 3}, {7}};
  HistoryChange change;
  change.minute_increments = {{3, 5}, {4, 1}};
  change.hour_increments = {{8, 6}};
  change.minute_removals = {1, 2};
  change.hour_removals = {7};
  ApplyHistoryChange(change, buckets);
  EXPECT_EQ(buckets, (HistoryBuckets{{3, 4}, {8}}));
}

TEST(LikeHistory, SeriesAreDenseOldestFirstAndEndWithNowsBucket) {
  const std::map<int64_t, int64_t> minutes = {
      {kNowMinute - 60, 9}, {kNowMinute - 59, 1}, {kNowMinute, 4}};
  const std::vector<HistoryPoint> series = MinuteSeries(minutes, kNow);
  ASSERT_EQ(series.size(), static_cast<size_t>(kMinuteBuckets));
  EXPECT_EQ(series.front(), (HistoryPoint{(kNowMinute - 59) * kMinuteMs, 1}));
  EXPECT_EQ(series[1], (HistoryPoint{(kNowMinute - 58) * kMinuteMs, 0}));
  EXPECT_EQ(series.back(), (HistoryPoint{kNowMinute * kMinuteMs, 4}));

  const std::vector<HistoryPoint> hours = HourSeries({{kNowHour - 23, 2}}, kNow);
  ASSERT_EQ(hours.size(), static_cast<size_t>(kHourBuckets));
  EXPECT_EQ(hours.front(), (HistoryPoint{(kNowHour - 23) * kHourMs, 2}));
  EXPECT_EQ(hours.back(), (HistoryPoint{kNowHour * kHourMs, 0}));
}

}  // namespace
}  // namespace la
