#include "tools/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace la {
namespace {

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.min(), 0u);
  EXPECT_EQ(histogram.max(), 0u);
  EXPECT_EQ(histogram.Mean(), 0.0);
  EXPECT_EQ(histogram.ValueAtPercentile(50), 0u);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (uint64_t value = 1; value <= 100; ++value) histogram.Record(value);
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.min(), 1u);
  EXPECT_EQ(histogram.max(), 100u);
  EXPECT_DOUBLE_EQ(histogram.Mean(), 50.5);
  EXPECT_EQ(histogram.ValueAtPercentile(50), 50u);
  EXPECT_EQ(histogram.ValueAtPercentile(90), 90u);
  EXPECT_EQ(histogram.ValueAtPercentile(99), 99u);
  EXPECT_EQ(histogram.ValueAtPercentile(99.9), 100u);
  EXPECT_EQ(histogram.ValueAtPercentile(0), 1u);
  EXPECT_EQ(histogram.ValueAtPercentile(100), 100u);
}

TEST(LatencyHistogramTest, OutOfRangePercentilesAreClamped) {
  LatencyHistogram histogram;
  histogram.Record(7);
  histogram.Record(9);
  EXPECT_EQ(histogram.ValueAtPercentile(-5), 7u);
  EXPECT_EQ(histogram.ValueAtPercentile(250), 9u);
}

// Every percentile is within 1/128 of the exact value from a sorted copy, and never below it.
TEST(LatencyHistogramTest, LargeValuesAreWithinRelativePrecision) {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> latency(std::log(2000.0), 1.0);
  LatencyHistogram histogram;
  std::vector<uint64_t> samples;
  for (int i = 0; i < 100000; ++i) {
    const auto value = static_cast<uint64_t>(latency(random)) + 1;
    samples.push_back(value);
    histogram.Record(value);
  }
  std::sort(samples.begin(), samples.end());
  for (double percentile : {1.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const size_t rank = static_cast<size_t>(std::ceil(percentile / 100.0 * samples.size()));
    const uint64_t exact = samples[rank - 1];
    const uint64_t reported = histogram.ValueAtPercentile(percentile);
    EXPECT_GE(reported, exact) << "p" << percentile;
    EXPECT_LE(static_cast<double>(reported - exact), exact / 128.0 + 1) << "p" << percentile;
  }
  EXPECT_EQ(histogram.ValueAtPercentile(100), samples.back());
}

TEST(LatencyHistogramTest, NeighbouringPowersOfTwoLandInDistinctBuckets) {
  LatencyHistogram histogram;
  histogram.Record(255);
  histogram.Record(256);
  histogram.Record(258);
  EXPECT_EQ(histogram.ValueAtPercentile(34), 256u + 1);  // bucket [256, 257]
  EXPECT_EQ(histogram.ValueAtPercentile(33), 255u);
  EXPECT_EQ(histogram.ValueAtPercentile(100), 258u);
}

TEST(LatencyHistogramTest, HugeValuesAreClampedButMaxIsExact) {
  LatencyHistogram histogram;
  histogram.Record(1);
  histogram.Record(UINT64_MAX);
  EXPECT_EQ(histogram.max(), UINT64_MAX);
  EXPECT_EQ(histogram.ValueAtPercentile(100), UINT64_MAX);
  EXPECT_GE(histogram.ValueAtPercentile(99), LatencyHistogram::kHighestTrackable - 1);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram left, right, together;
  for (uint64_t value = 1; value <= 5000; value += 3) {
    (value % 2 == 0 ? left : right).Record(value);
    together.Record(value);
  }
  left.Merge(right);
  EXPECT_EQ(left.count(), together.count());
  EXPECT_EQ(left.min(), together.min());
  EXPECT_EQ(left.max(), together.max());
  EXPECT_DOUBLE_EQ(left.Mean(), together.Mean());
  for (double percentile : {10.0, 50.0, 99.0, 99.9}) {
    EXPECT_EQ(left.ValueAtPercentile(percentile), together.ValueAtPercentile(percentile));
  }
}

TEST(LatencyHistogramTest, MergingAnEmptyHistogramChangesNothing) {
  LatencyHistogram histogram, empty;
  histogram.Record(300);
  histogram.Merge(empty);
  EXPECT_EQ(histogram.count(), 1u);
  EXPECT_EQ(histogram.min(), 300u);
  EXPECT_EQ(histogram.max(), 300u);
}

}  // namespace
}  // namespace la
