// The events topic as an EventLog: a librdkafka group consumer (adapters/
// kafka_consumer.h) on one topic, whose rebalances reach the
// PartitionOwnershipListener of the Poll() (or Close()) they happen in.
// Not thread-safe: one polling thread calls everything.
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
  // Joins the group and subscribes to `topic` (`options.topics` is replaced by
  // it). Partitions arrive during the first polls.
  static Result<std::unique_ptr<KafkaEventLog>> Create(std::string topic,
                                                       KafkaConsumerOptions options);

  Result<std::vector<LogMessage>> Poll(size_t max_messages, std::chrono::milliseconds timeout,
                                       PartitionOwnershipListener& listener) override;
  Status Commit(const std::map<int32_t, int64_t>& next_offsets) override;
  Status Pause() override;
  Status Resume() override;
  Status Seek(int32_t partition, int64_t offset) override;
  std::map<int32_t, int64_t> Lag() override;

  // Destroying an unclosed log also leaves the group, telling no listener (the
  // partitions' uncommitted work goes to the next owner).
  Status Close(PartitionOwnershipListener& listener) override;

 private:
  explicit KafkaEventLog(std::string topic);
  // Hands a rebalance to `listener_`, which is set only during Poll() and Close().
  void Forward(RebalanceEvent& event);

  std::string topic_;
  PartitionOwnershipListener* listener_ = nullptr;
  std::unique_ptr<KafkaConsumer> consumer_;  // destroyed first: its Close() may call Forward()
};

}  // namespace la
