// The events topic as an EventLog: a librdkafka group consumer (adapters/
// kafka_consumer.h) on one topic, whose rebalances reach a
// PartitionOwnershipListener.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/kafka_consumer.h"
#include "consumer/event_log.h"
#include "core/status.h"

namespace la {

class KafkaEventLog final : public EventLog {
 public:
  // Remembers where to connect; nothing happens before Start(). `options.topics`
  // is replaced by `topic`.
  KafkaEventLog(std::string topic, KafkaConsumerOptions options);

  // Joins the group and subscribes to the topic; from now on Poll() tells
  // `listener` about partitions gained and lost. Separate from the constructor
  // because the listener (the LikeBatcher) needs this log to be built first.
  Status Start(PartitionOwnershipListener& listener);

  Result<std::vector<LogMessage>> Poll(size_t max_messages,
                                       std::chrono::milliseconds timeout) override;
  Status Commit(const std::map<int32_t, int64_t>& next_offsets) override;

  // Stops (or restarts) fetching from the owned partitions while the caller
  // cannot take more messages; polling keeps serving rebalances.
  Status Pause();
  Status Resume();
  // Messages not yet consumed, per owned partition (for /metrics).
  std::map<int32_t, int64_t> Lag();
  // Leaves the group; the listener hears of the revocation first.
  Status Close();

 private:
  std::string topic_;
  KafkaConsumerOptions options_;
  std::unique_ptr<KafkaConsumer> consumer_;  // null before Start()
};

}  // namespace la
