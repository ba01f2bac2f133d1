#include "consumer/kafka_event_log.h"

#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace la {
namespace {

// Points `slot` at `listener` for one call, so rebalances reach it.
class ListenerScope {
 public:
  ListenerScope(PartitionOwnershipListener*& slot, PartitionOwnershipListener& listener)
      : slot_(slot) {
    slot_ = &listener;
  }
  ~ListenerScope() { slot_ = nullptr; }
  ListenerScope(const ListenerScope&) = delete;
  ListenerScope& operator=(const ListenerScope&) = delete;

 private:
  PartitionOwnershipListener*& slot_;
};

}  // namespace

Result<std::unique_ptr<KafkaEventLog>> KafkaEventLog::Create(std::string topic,
                                                             KafkaConsumerOptions options) {
  std::unique_ptr<KafkaEventLog> log(new KafkaEventLog(std::move(topic)));
  options.topics = {log->topic_};
  Result<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(
      options, [raw = log.get()](const RebalanceEvent& event) { raw->Forward(event); });
  if (!consumer.ok()) return consumer.status();
  log->consumer_ = std::move(*consumer);
  return log;
}

KafkaEventLog::KafkaEventLog(std::string topic) : topic_(std::move(topic)) {}

void KafkaEventLog::Forward(const RebalanceEvent& event) {
  switch (event.kind) {
    case RebalanceEvent::Kind::kAssigned:
      spdlog::info("partitions {} of {} assigned", fmt::join(event.partitions, ","), event.topic);
      if (listener_) listener_->OnPartitionsAssigned(event.partitions);
      return;
    case RebalanceEvent::Kind::kRevoked:
      spdlog::info("partitions {} of {} revoked", fmt::join(event.partitions, ","), event.topic);
      if (listener_) listener_->OnPartitionsRevoked(event.partitions);
      return;
    case RebalanceEvent::Kind::kLost:
      spdlog::warn("partitions {} of {} lost (taken away without a revocation)",
                   fmt::join(event.partitions, ","), event.topic);
      if (listener_) listener_->OnPartitionsLost(event.partitions);
      return;
  }
}

Result<std::vector<LogMessage>> KafkaEventLog::Poll(size_t max_messages,
                                                    std::chrono::milliseconds timeout,
                                                    PartitionOwnershipListener& listener) {
  const ListenerScope scope(listener_, listener);
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
  return consumer_->Commit(topic_, next_offsets);
}

Status KafkaEventLog::Pause() { return consumer_->Pause(); }

Status KafkaEventLog::Resume() { return consumer_->Resume(); }

std::map<int32_t, int64_t> KafkaEventLog::Lag() { return consumer_->Lag(topic_); }

Status KafkaEventLog::Close(PartitionOwnershipListener& listener) {
  const ListenerScope scope(listener_, listener);
  return consumer_->Close();
}

}  // namespace la
