#include "consumer/kafka_event_log.h"

#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace la {
namespace {

constexpr std::chrono::milliseconds kSeekTimeout{5000};

}  // namespace

Result<std::unique_ptr<KafkaEventLog>> KafkaEventLog::Create(std::string topic,
                                                             KafkaConsumerOptions options) {
  std::unique_ptr<KafkaEventLog> log(new KafkaEventLog(std::move(topic)));
  options.topics = {log->topic_};
  Result<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(
      options, [raw = log.get()](RebalanceEvent& event) { raw->Forward(event); });
  if (!consumer.ok()) return consumer.status();
  log->consumer_ = std::move(*consumer);
  return log;
}

KafkaEventLog::KafkaEventLog(std::string topic) : topic_(std::move(topic)) {}

void KafkaEventLog::Forward(RebalanceEvent& event) {
  switch (event.kind) {
    case RebalanceEvent::Kind::kAssigned:
      spdlog::info("partitions {} of {} assigned", fmt::join(event.partitions, ","), event.topic);
      if (listener_) {
        event.start_offsets = listener_->StartOffsets(event.partitions);
        listener_->OnPartitionsAssigned(event.partitions);
      }
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

Status KafkaEventLog::Seek(int32_t partition, int64_t offset) {
  return consumer_->Seek(topic_, partition, offset, kSeekTimeout);
}

std::map<int32_t, int64_t> KafkaEventLog::Lag() { return consumer_->Lag(topic_); }

Status KafkaEventLog::Close(PartitionOwnershipListener& listener) {
  const ListenerScope scope(listener_, listener);
  return consumer_->Close();
}

}  // namespace la
