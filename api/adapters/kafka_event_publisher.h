// The event publisher on Kafka (api/event_publisher.h): each event is one message of
// `topic` on the shared KafkaProducer (idempotent, acks=all), and its delivery report
// resumes the publishing coroutine. Thread-safe.
#pragma once

#include <string>

#include "adapters/kafka_producer.h"
#include "api/event_publisher.h"

namespace la {

// Kafka's delivery report as a publish result.
PublishResult ToPublishResult(const DeliveryReport& report);

class KafkaEventPublisher final : public EventPublisher {
 public:
  // `producer` must outlive the publisher.
  KafkaEventPublisher(KafkaProducer& producer, std::string topic);

  boost::asio::awaitable<PublishResult> Publish(std::string_view key,
                                                std::string_view value) override;

 private:
  KafkaProducer& producer_;
  const std::string topic_;
};

}  // namespace la
