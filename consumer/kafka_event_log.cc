#include "consumer/kafka_event_log.h"

#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace la {
namespace {

Status NotStarted() { return Status::Error("Kafka event log used before Start()"); }

}  // namespace

KafkaEventLog::KafkaEventLog(std::string topic, KafkaConsumerOptions options)
    : topic_(std::move(topic)), options_(std::move(options)) {
  options_.topics = {topic_};
}

Status KafkaEventLog::Start(PartitionOwnershipListener& listener) {
  auto forward = [&listener](const RebalanceEvent& event) {
    switch (event.kind) {
      case RebalanceEvent::Kind::kAssigned:
        spdlog::info("partitions {} of {} assigned", fmt::join(event.partitions, ","), event.topic);
        listener.OnPartitionsAssigned(event.partitions);
        break;
      case RebalanceEvent::Kind::kRevoked:
        spdlog::info("partitions {} of {} revoked", fmt::join(event.partitions, ","), event.topic);
        listener.OnPartitionsRevoked(event.partitions);
        break;
      case RebalanceEvent::Kind::kLost:
        spdlog::warn("partitions {} of {} lost (taken away without a revocation)",
                     fmt::join(event.partitions, ","), event.topic);
        listener.OnPartitionsLost(event.partitions);
        break;
    }
  };
  Result<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(options_, forward);
  if (!consumer.ok()) return consumer.status();
  consumer_ = std::move(*consumer);
  return Status::Ok();
}

Result<std::vector<LogMessage>> KafkaEventLog::Poll(size_t max_messages,
                                                    std::chrono::milliseconds timeout) {
  if (!consumer_) return NotStarted();
  Result<std::vector<KafkaMessage>> polled = consumer_->Poll(max_messages, timeout);
  if (!polled.ok()) return polled.status();
  std::vector<LogMessage> messages;
  messages.reserve(polled->size());
  for (KafkaMessage& m : *polled) {
    messages.push_back(
        {std::move(m.topic), m.partition, m.offset, std::move(m.key), std::move(m.value)});
  }
  return messages;
}

Status KafkaEventLog::Commit(const std::map<int32_t, int64_t>& next_offsets) {
  if (!consumer_) return NotStarted();
  return consumer_->Commit(topic_, next_offsets);
}

Status KafkaEventLog::Pause() { return consumer_ ? consumer_->Pause() : NotStarted(); }

Status KafkaEventLog::Resume() { return consumer_ ? consumer_->Resume() : NotStarted(); }

std::map<int32_t, int64_t> KafkaEventLog::Lag() {
  if (!consumer_) return {};
  return consumer_->Lag(topic_);
}

Status KafkaEventLog::Close() { return consumer_ ? consumer_->Close() : Status::Ok(); }

}  // namespace la
