// Where the api node puts accepted likes: the events topic (docs/data.md, Kafka), keyed
// by streamId. Publish completes once Kafka has answered for the event:
//   kStored          acknowledged by the broker (acks=all)
//   kNotStored       refused or failed before it was sent: nothing was stored
//   kPossiblyStored  sent, then timed out: the broker may hold it, so a retry must reuse
//                    the eventId (dedup counts it once)
// api/like_answer.h turns the result into the HTTP answer. Implemented over librdkafka
// in api/adapters/kafka_event_publisher.h. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

namespace la {

struct PublishResult {
  enum class Outcome { kStored, kNotStored, kPossiblyStored };
  Outcome outcome = Outcome::kStored;
  std::string error;  // why it was not (or not surely) stored; empty when stored

  bool stored() const { return outcome == Outcome::kStored; }
};

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;

  // Publishes `value` under `key`; the awaiting coroutine resumes on its own executor
  // with Kafka's answer. `key` and `value` must stay valid until then.
  virtual boost::asio::awaitable<PublishResult> Publish(std::string_view key,
                                                        std::string_view value) = 0;
};

}  // namespace la
