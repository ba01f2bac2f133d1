#include "consumer/consumer_metrics.h"

#include <string>
#include <utility>

namespace la {
namespace {

prometheus::Counter& NewCounter(prometheus::Registry& registry, const std::string& name,
                                const std::string& help) {
  return registry.AddCounter(name, help).With();
}

// Adds to `counter` what `total` grew by since `reported`, and catches up.
void Advance(prometheus::Counter& counter, uint64_t& reported, uint64_t total) {
  counter.Add(total - reported);
  reported = total;
}

// Sets each gauge of `family` to its value in `values`, and to 0 those shown before
// and absent now.
void SetAll(prometheus::Family<prometheus::Gauge>& family,
            std::map<prometheus::Labels, int64_t> values) {
  // ForEach holds the family's lock, so the gauges are set afterwards.
  family.ForEach([&](const prometheus::Labels& labels, const prometheus::Gauge&) {
    values.emplace(labels, 0);
  });
  for (const auto& [labels, value] : values) family.With(labels).Set(value);
}

}  // namespace

ConsumerMetrics::ConsumerMetrics(prometheus::Registry& registry, std::chrono::seconds dedup_ttl)
    : consumed_(NewCounter(registry, "la_consumer_events_consumed_total",
                           "Messages polled from the events topic and buffered")),
      counted_(NewCounter(registry, "la_consumer_events_counted_total",
                          "Likes added to the stream totals in MongoDB")),
      duplicates_(NewCounter(registry, "la_consumer_duplicates_total",
                             "Events dropped because their eventId was seen at another position")),
      dead_lettered_(NewCounter(registry, "la_consumer_dead_lettered_total",
                                "Malformed messages acknowledged by the dead-letter topic")),
      flush_failures_(NewCounter(registry, "la_consumer_flush_failures_total",
                                 "Flushes that failed and were retried later")),
      update_conflicts_(NewCounter(registry, "la_consumer_update_conflicts_total",
                                   "Stream documents changed by someone else between read and "
                                   "write (re-planned)")),
      dropped_on_rebalance_(NewCounter(
          registry, "la_consumer_messages_dropped_on_rebalance_total",
          "Buffered messages left uncommitted to the next owner of a revoked partition")),
      flush_seconds_(registry
                         .AddHistogram("la_consumer_flush_duration_seconds",
                                       "Time of a committed flush: dead letters, dedup, MongoDB "
                                       "apply and offset commit",
                                       prometheus::LatencyBuckets())
                         .With()),
      batch_messages_(registry
                          .AddHistogram("la_consumer_batch_messages",
                                        "Messages committed by one flush",
                                        {1, 10, 100, 1000, 10000, 100000, 1000000})
                          .With()),
      lag_(registry.AddGauge("la_consumer_lag_messages",
                             "Messages of an owned partition not consumed yet")),
      halted_(registry.AddGauge("la_consumer_partition_halted",
                                "1 while an owned partition is halted: its log is not the one its "
                                "watermarks were written against (offsets started again); "
                                "nothing of it is counted until `la-admin partitions rebase`")),
      oldest_event_age_(registry
                            .AddGauge("la_consumer_oldest_event_age_seconds",
                                      "Age (now - its timeStamp) of the oldest event of the last "
                                      "batch checked for duplicates; above "
                                      "la_consumer_dedup_ttl_seconds a retried copy may be "
                                      "counted twice")
                            .With()) {
  registry
      .AddGauge("la_consumer_dedup_ttl_seconds",
                "DEDUP_TTL_S: how long an eventId is remembered to drop its copies")
      .With()
      .Set(dedup_ttl.count());
}

void ConsumerMetrics::Update(const LikeBatcherMetrics& totals) {
  Advance(consumed_, reported_.messages_buffered, totals.messages_buffered);
  Advance(counted_, reported_.likes_counted, totals.likes_counted);
  Advance(duplicates_, reported_.duplicates_dropped, totals.duplicates_dropped);
  Advance(dead_lettered_, reported_.dead_lettered, totals.dead_lettered);
  Advance(flush_failures_, reported_.flushes_failed, totals.flushes_failed);
  Advance(update_conflicts_, reported_.update_conflicts, totals.update_conflicts);
  Advance(dropped_on_rebalance_, reported_.messages_dropped_on_rebalance,
          totals.messages_dropped_on_rebalance);
  oldest_event_age_.Set(totals.oldest_claimed_event_age_ms / 1000);
}

void ConsumerMetrics::RecordFlush(std::chrono::duration<double> latency, uint64_t messages) {
  flush_seconds_.Observe(latency.count());
  batch_messages_.Observe(static_cast<double>(messages));
}

void ConsumerMetrics::SetLag(const std::map<int32_t, int64_t>& lag_by_partition) {
  std::map<prometheus::Labels, int64_t> values;
  for (const auto& [partition, lag] : lag_by_partition) {
    values[{{"partition", std::to_string(partition)}}] = lag;
  }
  SetAll(lag_, std::move(values));
}

void ConsumerMetrics::SetHalted(const std::vector<int32_t>& partitions) {
  std::map<prometheus::Labels, int64_t> values;
  for (int32_t partition : partitions) values[{{"partition", std::to_string(partition)}}] = 1;
  SetAll(halted_, std::move(values));
}

}  // namespace la
