#include "core/counting/like_history.h"

#include <algorithm>

namespace la {
namespace {

// One kind of bucket: its width and how many of them the window keeps.
struct Window {
  int64_t width_ms;
  int64_t buckets;

  int64_t Last(int64_t now_ms) const { return BucketIndex(now_ms, width_ms); }
  int64_t First(int64_t now_ms) const { return Last(now_ms) - buckets + 1; }
};

constexpr Window kMinutes{kMinuteMs, kMinuteBuckets};
constexpr Window kHours{kHourMs, kHourBuckets};

void PlanWindow(const Window& window, std::span<const int64_t> timestamps_ms,
                const std::set<int64_t>& stored, int64_t now_ms,
                std::map<int64_t, int64_t>& increments, std::vector<int64_t>& removals) {
  const int64_t first = window.First(now_ms);
  for (const int64_t timestamp : timestamps_ms) {
    const int64_t bucket = BucketIndex(std::min(timestamp, now_ms), window.width_ms);
    if (bucket >= first) ++increments[bucket];
  }
  for (const int64_t bucket : stored) {
    if (bucket >= first) break;  // sorted: the rest are inside the window
    removals.push_back(bucket);
  }
}

std::vector<HistoryPoint> Series(const Window& window, const std::map<int64_t, int64_t>& stored,
                                 int64_t now_ms) {
  std::vector<HistoryPoint> series;
  series.reserve(static_cast<size_t>(window.buckets));
  for (int64_t bucket = window.First(now_ms); bucket <= window.Last(now_ms); ++bucket) {
    const auto found = stored.find(bucket);
    series.push_back({bucket * window.width_ms, found == stored.end() ? 0 : found->second});
  }
  return series;
}

}  // namespace

int64_t BucketIndex(int64_t timestamp_ms, int64_t width_ms) {
  const int64_t quotient = timestamp_ms / width_ms;
  return timestamp_ms % width_ms < 0 ? quotient - 1 : quotient;
}

HistoryChange PlanHistoryChange(std::span<const int64_t> counted_timestamps_ms,
                                const HistoryBuckets& stored, int64_t now_ms) {
  HistoryChange change;
  PlanWindow(kMinutes, counted_timestamps_ms, stored.minutes, now_ms, change.minute_increments,
             change.minute_removals);
  PlanWindow(kHours, counted_timestamps_ms, stored.hours, now_ms, change.hour_increments,
             change.hour_removals);
  return change;
}

void ApplyHistoryChange(const HistoryChange& change, HistoryBuckets& buckets) {
  for (const auto& [bucket, likes] : change.minute_increments) buckets.minutes.insert(bucket);
  for (const auto& [bucket, likes] : change.hour_increments) buckets.hours.insert(bucket);
  for (const int64_t bucket : change.minute_removals) buckets.minutes.erase(bucket);
  for (const int64_t bucket : change.hour_removals) buckets.hours.erase(bucket);
}

std::vector<HistoryPoint> MinuteSeries(const std::map<int64_t, int64_t>& stored, int64_t now_ms) {
  return Series(kMinutes, stored, now_ms);
}

std::vector<HistoryPoint> HourSeries(const std::map<int64_t, int64_t>& stored, int64_t now_ms) {
  return Series(kHours, stored, now_ms);
}

}  // namespace la
