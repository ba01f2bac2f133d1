#include "consumer/kafka_dead_letter_sink.h"

#include <utility>
#include <vector>

namespace la {

KafkaDeadLetterSink::KafkaDeadLetterSink(KafkaProducer& producer, std::string topic)
    : producer_(producer), topic_(std::move(topic)) {}

Status KafkaDeadLetterSink::Send(const DeadLetter& letter) {
  const LogMessage& original = letter.original;
  const std::vector<KafkaHeader> headers = {
      {"error", letter.reason},
      {"originalTopic", original.topic},
      {"originalPartition", std::to_string(original.partition)},
      {"originalOffset", std::to_string(original.offset)},
  };
  return producer_.ProduceAndWait(topic_, original.key, original.value, headers).status;
}

}  // namespace la
