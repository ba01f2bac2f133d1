// A fixed-memory latency histogram with log-linear buckets, in the spirit of
// HdrHistogram: exact below 256, and above that every power of two is split
// into 128 equal buckets, so a reported value is within 1/128 (< 0.8 %) of the
// true one. The load generator records millions of latencies per run; keeping
// every sample in a sorted array would cost memory proportional to the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace la {

class LatencyHistogram {
 public:
  // Values at or above this are counted in the last bucket (max() still
  // reports the true largest value). In microseconds this is about 12 days.
  static constexpr uint64_t kHighestTrackable = uint64_t{1} << 40;

  LatencyHistogram();

  // Counts one occurrence of `value` (any unit; the load generator uses µs).
  void Record(uint64_t value);
  // Adds every count of `other` to this histogram (to combine per-thread ones).
  void Merge(const LatencyHistogram& other);

  // The smallest value v such that at least `percentile` % of the recorded
  // values are <= v, up to bucket precision (the bucket's highest value,
  // never above max()). 0 when nothing was recorded. `percentile` is clamped
  // to [0, 100]; 0 gives min(), 100 gives max().
  uint64_t ValueAtPercentile(double percentile) const;

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  // The arithmetic mean of the exact recorded values; 0 when empty.
  double Mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }

 private:
  static size_t BucketOf(uint64_t value);
  static uint64_t HighestValueIn(size_t bucket);

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  // Wraps only after ~5e5 years of summed microseconds.
  uint64_t sum_ = 0;
};

}  // namespace la
