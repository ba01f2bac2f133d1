// The event publisher on Kafka (api/event_publisher.h): each event is one message of
// `topic` on the shared KafkaProducer (idempotent, acks=all).
// Delivery reports come back in batches: the producer's delivery thread pushes each
// report onto a lock-free list and wakes the io_context once for all the reports that
// arrive before an io thread takes them, instead of once per like; that io thread then
// resumes each
// publishing coroutine on its own executor (its connection's strand), inline when the
// strand is free. Per event, nothing is allocated but one record that holds the
// coroutine's completion handler, the producer's callback and librdkafka's copy of the
// message.
// Thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <string>

#include "adapters/kafka_producer.h"
#include "api/event_publisher.h"
#include "core/prometheus.h"

namespace la {

// Kafka's delivery report as a publish result.
PublishResult ToPublishResult(const DeliveryReport& report);

class KafkaEventPublisher final : public EventPublisher {
 public:
  // `producer` must outlive the publisher; reports are handed back on `io`. `batches`
  // (optional) counts the batches handed back, one io_context wake-up each.
  KafkaEventPublisher(KafkaProducer& producer, std::string topic, boost::asio::any_io_executor io,
                      prometheus::Counter* batches = nullptr);
  // Drops the reports not yet handed back (the io_context has stopped by then).
  ~KafkaEventPublisher() override;

  boost::asio::awaitable<PublishResult> Publish(std::string_view key,
                                                std::string_view value) override;

  // One event waiting for its report, in the batch once reported.
  class Pending {
   public:
    explicit Pending(KafkaEventPublisher& publisher) : publisher_(publisher) {}
    virtual ~Pending() = default;
    // On the delivery thread: keeps the result and queues this for the io threads.
    void OnDelivery(const DeliveryReport& report);
    // On an io thread: hands `result` to the waiting coroutine, then deletes this.
    virtual void Resume() = 0;

    PublishResult result;
    Pending* next = nullptr;  // the batch is an intrusive singly linked list

   private:
    KafkaEventPublisher& publisher_;
  };

 private:
  // Adds `pending` to the batch; the first of a batch wakes the io_context.
  void Reported(Pending* pending);
  // On an io thread: resumes everything reported so far, in report order.
  void ResumeReported();

  KafkaProducer& producer_;
  const std::string topic_;
  const boost::asio::any_io_executor io_;
  prometheus::Counter* const batches_;
  // The batch, newest first. Every non-empty batch has exactly one ResumeReported
  // queued on `io_`: the one its first report posted.
  std::atomic<Pending*> reported_{nullptr};
};

}  // namespace la
