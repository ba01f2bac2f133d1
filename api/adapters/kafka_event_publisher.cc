#include "api/adapters/kafka_event_publisher.h"

#include <functional>

#include "http/blocking.h"

namespace la {

PublishResult ToPublishResult(const DeliveryReport& report) {
  if (report.status.ok()) return PublishResult{};
  return PublishResult{report.possibly_persisted ? PublishResult::Outcome::kPossiblyStored
                                                 : PublishResult::Outcome::kNotStored,
                       report.status.message()};
}

KafkaEventPublisher::KafkaEventPublisher(KafkaProducer& producer, std::string topic)
    : producer_(producer), topic_(std::move(topic)) {}

// librdkafka delivers every report within the producer's delivery timeout, so the
// coroutine always resumes. The message is copied by Produce, before `key` and `value`
// may go.
boost::asio::awaitable<PublishResult> KafkaEventPublisher::Publish(std::string_view key,
                                                                   std::string_view value) {
  return http::AwaitCallback<PublishResult>(
      [this, key, value](std::function<void(PublishResult)> done) {
        Status queued = producer_.Produce(topic_, key, value, {}, [done](const DeliveryReport& r) {
          done(ToPublishResult(r));
        });
        if (!queued.ok()) done(PublishResult{PublishResult::Outcome::kNotStored, queued.message()});
      });
}

}  // namespace la
