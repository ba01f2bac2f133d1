// The dead-letter sink on Kafka: topic `engagement-events-dlq` (KAFKA_DLQ_TOPIC)
// gets each malformed message's original key and bytes with headers saying
// why and where it came from (docs/data.md, Kafka).
#pragma once

#include <string>

#include "adapters/kafka_producer.h"
#include "consumer/dead_letter_sink.h"

namespace la {

class KafkaDeadLetterSink final : public DeadLetterSink {
 public:
  // `producer` (idempotent, acks=all) must outlive the sink.
  KafkaDeadLetterSink(KafkaProducer& producer, std::string topic);

  Status Send(const DeadLetter& letter) override;

 private:
  KafkaProducer& producer_;
  std::string topic_;
};

}  // namespace la
