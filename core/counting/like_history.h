// Likes over time of one stream (docs/data.md, MongoDB `streams`): counts per
// minute for the last 60 minutes and per hour for the last 24 hours, kept in the
// stream document as
//   minutes: {"<minute index>": likes, ...}   minute index = floor(timeStamp / 60 000)
//   hours:   {"<hour index>": likes, ...}     hour index   = floor(timeStamp / 3 600 000)
// and changed by the same compare-and-set update that adds to `likes` and moves
// the watermarks (core/flush_plan.h), so every counted like lands in its buckets
// exactly once. The bucket of a like is the event's `timeStamp` (set by the api
// node), clamped to `now` when it lies in the future (clock skew between hosts).
//
// Retention: at time `now` the window holds the minute buckets
// [minute(now) - 59, minute(now)] and the hour buckets [hour(now) - 23, hour(now)].
// A like older than a window is counted in `likes` but not in that window's
// buckets; each update removes ($unset) the stored buckets that have left the
// window. A document therefore never holds more than kMinuteBuckets minute and
// kHourBuckets hour buckets, plus any a consumer with a clock ahead of this one
// wrote, and those leave the window too.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "core/time_units.h"

namespace la {

inline constexpr int64_t kMinuteBuckets = 60;
inline constexpr int64_t kHourBuckets = 24;

// The bucket indexes a stream document holds now.
struct HistoryBuckets {
  std::set<int64_t> minutes;
  std::set<int64_t> hours;

  bool operator==(const HistoryBuckets&) const = default;
};

// What one update does to a document's history: $inc of buckets (index -> likes)
// and $unset of buckets that left the window. Increments and removals never
// name the same bucket (MongoDB rejects such an update).
struct HistoryChange {
  std::map<int64_t, int64_t> minute_increments;
  std::map<int64_t, int64_t> hour_increments;
  std::vector<int64_t> minute_removals;  // ascending
  std::vector<int64_t> hour_removals;    // ascending

  bool empty() const {
    return minute_increments.empty() && hour_increments.empty() && minute_removals.empty() &&
           hour_removals.empty();
  }
  bool operator==(const HistoryChange&) const = default;
};

// The bucket index of `timestamp_ms` for buckets `width_ms` wide (floor division).
int64_t BucketIndex(int64_t timestamp_ms, int64_t width_ms);

// The change that adds one like per entry of `counted_timestamps_ms` (the
// timeStamp of each like the update counts) to a document that holds `stored`.
HistoryChange PlanHistoryChange(std::span<const int64_t> counted_timestamps_ms,
                                const HistoryBuckets& stored, int64_t now_ms);

// The buckets a document holds after `change` was applied to one holding `buckets`
// (for a consumer that remembers documents instead of reading them again).
void ApplyHistoryChange(const HistoryChange& change, HistoryBuckets& buckets);

// One point of a series: the bucket's start (ms since epoch) and its likes.
struct HistoryPoint {
  int64_t t = 0;
  int64_t likes = 0;

  bool operator==(const HistoryPoint&) const = default;
};

// The window ending with now's bucket, oldest first, one point per bucket (0 when
// none is stored): kMinuteBuckets points for minutes, kHourBuckets for hours.
// `stored` maps bucket index -> likes; buckets outside the window are ignored.
std::vector<HistoryPoint> MinuteSeries(const std::map<int64_t, int64_t>& stored, int64_t now_ms);
std::vector<HistoryPoint> HourSeries(const std::map<int64_t, int64_t>& stored, int64_t now_ms);

}  // namespace la
