#include "api/adapters/kafka_event_publisher.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace la {
namespace {

namespace asio = boost::asio;

// The record of one publishing coroutine: its completion handler.
template <typename Handler>
class PendingPublish final : public KafkaEventPublisher::Pending {
 public:
  PendingPublish(KafkaEventPublisher& publisher, Handler handler)
      : Pending(publisher), handler_(std::move(handler)) {}

  void Resume() override {
    std::unique_ptr<PendingPublish> self(this);
    // Inline when the coroutine's strand is free, else queued on it.
    auto executor = asio::get_associated_executor(handler_);
    asio::dispatch(executor, [handler = std::move(handler_), result = std::move(result)]() mutable {
      handler(std::move(result));
    });
  }

 private:
  Handler handler_;
};

}  // namespace

PublishResult ToPublishResult(const DeliveryReport& report) {
  if (report.status.ok()) return PublishResult{};
  return PublishResult{report.possibly_persisted ? PublishResult::Outcome::kPossiblyStored
                                                 : PublishResult::Outcome::kNotStored,
                       report.status.message()};
}

KafkaEventPublisher::KafkaEventPublisher(KafkaProducer& producer, std::string topic,
                                         asio::any_io_executor io, prometheus::Counter* batches)
    : producer_(producer), topic_(std::move(topic)), io_(std::move(io)), batches_(batches) {}

KafkaEventPublisher::~KafkaEventPublisher() {
  Pending* batch = reported_.exchange(nullptr);
  while (batch) delete std::exchange(batch, batch->next);
}

void KafkaEventPublisher::Pending::OnDelivery(const DeliveryReport& report) {
  result = ToPublishResult(report);
  publisher_.Reported(this);
}

// librdkafka reports every message within the producer's delivery timeout, so the
// coroutine always resumes. Produce copies the message before `key` and `value` may go.
asio::awaitable<PublishResult> KafkaEventPublisher::Publish(std::string_view key,
                                                            std::string_view value) {
  auto initiate = [this, key, value](auto handler) {
    auto* pending = new PendingPublish<decltype(handler)>(*this, std::move(handler));
    // The callback holds one pointer: no allocation of its own inside std::function.
    Status queued = producer_.Produce(
        topic_, key, value, {}, [pending](const DeliveryReport& r) { pending->OnDelivery(r); });
    if (!queued.ok()) {
      pending->result = PublishResult{PublishResult::Outcome::kNotStored, queued.message()};
      Reported(pending);  // resumed from the io_context, never inside this initiation
    }
  };
  return asio::async_initiate<decltype(asio::use_awaitable), void(PublishResult)>(
      initiate, asio::use_awaitable);
}

void KafkaEventPublisher::Reported(Pending* pending) {
  Pending* newest = reported_.load(std::memory_order_relaxed);
  do {
    pending->next = newest;
  } while (!reported_.compare_exchange_weak(newest, pending, std::memory_order_release,
                                            std::memory_order_relaxed));
  if (newest == nullptr) asio::post(io_, [this] { ResumeReported(); });
}

void KafkaEventPublisher::ResumeReported() {
  Pending* newest_first = reported_.exchange(nullptr, std::memory_order_acquire);
  Pending* batch = nullptr;  // oldest first
  while (newest_first) {
    Pending* pending = std::exchange(newest_first, newest_first->next);
    pending->next = std::exchange(batch, pending);
  }
  if (batches_) batches_->Add();
  while (batch) std::exchange(batch, batch->next)->Resume();
}

}  // namespace la
