// The consumer's Prometheus metrics (served on /metrics): what was consumed,
// counted, dropped as duplicates and dead-lettered, how long flushes take and
// how big they are, flush failures, and the lag of every owned partition.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "consumer/like_batcher.h"
#include "core/prometheus.h"

namespace la {

class ConsumerMetrics {
 public:
  // Registers the consumer's metric families in `registry`; `dedup_ttl` (DEDUP_TTL_S)
  // is shown next to the oldest claimed event's age, the dedup window at risk.
  explicit ConsumerMetrics(prometheus::Registry& registry,
                           std::chrono::seconds dedup_ttl = std::chrono::seconds(0));

  // Brings the counters up to the batcher's running totals.
  void Update(const LikeBatcherMetrics& totals);
  // Records a flush that committed `messages` messages in `latency`.
  void RecordFlush(std::chrono::duration<double> latency, uint64_t messages);
  // Sets the lag of the owned partitions; partitions no longer owned show 0.
  void SetLag(const std::map<int32_t, int64_t>& lag_by_partition);
  // Shows 1 for each of `partitions` (halted: their log was replaced,
  // consumer/anchored_event_log.h) and 0 for every partition shown before.
  void SetHalted(const std::vector<int32_t>& partitions);

 private:
  LikeBatcherMetrics reported_;  // the totals the counters already hold

  prometheus::Counter& consumed_;
  prometheus::Counter& counted_;
  prometheus::Counter& duplicates_;
  prometheus::Counter& dead_lettered_;
  prometheus::Counter& flush_failures_;
  prometheus::Counter& update_conflicts_;
  prometheus::Counter& dropped_on_rebalance_;
  prometheus::Histogram& flush_seconds_;
  prometheus::Histogram& batch_messages_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& halted_;
  prometheus::Gauge& oldest_event_age_;  // how close the batches are to the dedup window's end
};

}  // namespace la
