// The events topic read outside the consumer group (adapters/kafka_topic_reader.h):
// each partition's readable offsets, and the digest of its message at an offset.
// Each ReadAt() opens its own short-lived librdkafka clients. Not thread-safe
// (the LogReader contract), though nothing is shared between calls.
#pragma once

#include <chrono>
#include <string>

#include "consumer/log_reader.h"

namespace la {

class KafkaLogReader final : public LogReader {
 public:
  // Each of ReadAt()'s two steps (offsets, then messages) gives up after `timeout`.
  KafkaLogReader(std::string brokers, std::string topic, std::chrono::milliseconds timeout);

  Result<LogReadout> ReadAt(const std::map<int32_t, int64_t>& offsets) override;

 private:
  std::string brokers_;
  std::string topic_;
  std::chrono::milliseconds timeout_;
};

}  // namespace la
