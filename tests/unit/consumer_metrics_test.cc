#include "consumer/consumer_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ConsumerMetricsTest, CountersFollowTheBatcherTotals) {
  prometheus::Registry registry;
  ConsumerMetrics metrics(registry);
  LikeBatcherMetrics totals;
  totals.messages_buffered = 10;
  totals.likes_counted = 7;
  totals.duplicates_dropped = 2;
  totals.dead_lettered = 1;
  metrics.Update(totals);
  totals.messages_buffered = 15;
  totals.flushes_failed = 3;
  metrics.Update(totals);
  metrics.Update(totals);  // no change, nothing added

  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("la_consumer_events_consumed_total 15\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_events_counted_total 7\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_duplicates_total 2\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_dead_lettered_total 1\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_flush_failures_total 3\n"));
}

// The dedup window at risk shows as the oldest claimed event's age next to
// DEDUP_TTL_S.
TEST(ConsumerMetricsTest, ShowsTheOldestClaimedEventsAgeNextToTheDedupTtl) {
  prometheus::Registry registry;
  ConsumerMetrics metrics(registry, std::chrono::seconds(86400));
  LikeBatcherMetrics totals;
  totals.oldest_claimed_event_age_ms = 90500;
  metrics.Update(totals);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("la_consumer_oldest_event_age_seconds 90\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_dedup_ttl_seconds 86400\n"));
}

TEST(ConsumerMetricsTest, FlushesFillTheLatencyAndBatchSizeHistograms) {
  prometheus::Registry registry;
  ConsumerMetrics metrics(registry);
  metrics.RecordFlush(std::chrono::milliseconds(40), 5000);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("la_consumer_flush_duration_seconds_count 1\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_batch_messages_bucket{le=\"1000\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_batch_messages_bucket{le=\"10000\"} 1\n"));
}

TEST(ConsumerMetricsTest, LagOfPartitionsNoLongerOwnedDropsToZero) {
  prometheus::Registry registry;
  ConsumerMetrics metrics(registry);
  metrics.SetLag({{0, 12}, {3, 40}});
  metrics.SetLag({{3, 7}});
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("la_consumer_lag_messages{partition=\"0\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("la_consumer_lag_messages{partition=\"3\"} 7\n"));
  EXPECT_THAT(text, Not(HasSubstr("partition=\"1\"")));
}

}  // namespace
}  // namespace la
