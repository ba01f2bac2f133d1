#include "tools/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace la {
namespace {

// Values below kLinearLimit get one bucket each. Above it, the range
// [2^m, 2^(m+1)) is split into kSubBuckets buckets of width 2^(m-7).
constexpr uint64_t kLinearLimit = 256;
constexpr uint64_t kSubBuckets = 128;
constexpr int kSubBucketBits = 7;  // log2(kSubBuckets)
constexpr int kHighestTrackableBits = 40;
constexpr size_t kBucketCount =
    kLinearLimit + (kHighestTrackableBits - kSubBucketBits - 1) * kSubBuckets;

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

size_t LatencyHistogram::BucketOf(uint64_t value) {
  value = std::min(value, kHighestTrackable - 1);
  if (value < kLinearLimit) return value;
  const int highest_bit = std::bit_width(value) - 1;  // >= 8
  const int shift = highest_bit - kSubBucketBits;     // >= 1
  const uint64_t sub_bucket = (value >> shift) - kSubBuckets;
  return kLinearLimit + (shift - 1) * kSubBuckets + sub_bucket;
}

uint64_t LatencyHistogram::HighestValueIn(size_t bucket) {
  if (bucket < kLinearLimit) return bucket;
  const size_t above_linear = bucket - kLinearLimit;
  const int shift = static_cast<int>(above_linear / kSubBuckets) + 1;
  const uint64_t top_bits = above_linear % kSubBuckets + kSubBuckets;
  return ((top_bits + 1) << shift) - 1;
}

void LatencyHistogram::Record(uint64_t value) {
  ++counts_[BucketOf(value)];
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  if (percentile == 0.0) return min_;
  if (percentile == 100.0) return max_;  // exact even beyond kHighestTrackable
  // The rank of the wanted value among the sorted samples, 1-based.
  const auto wanted = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t bucket = 0; bucket < counts_.size(); ++bucket) {
    seen += counts_[bucket];
    if (seen >= wanted) return std::min(HighestValueIn(bucket), max_);
  }
  return max_;
}

}  // namespace la
