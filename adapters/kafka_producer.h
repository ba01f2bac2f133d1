// A Kafka producer (librdkafka) whose every message reports its delivery exactly
// once: acknowledged by the broker, or failed with the broker's reason.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace RdKafka {
class Producer;
}

namespace la {

struct KafkaProducerOptions {
  std::string brokers;
  int linger_ms = 2;                 // small batching window
  int delivery_timeout_ms = 5000;    // message.timeout.ms: bound on ack wait, incl. retries
  int queue_max_messages = 200000;   // bounded local queue
  std::string client_id = "live-analytics";
  std::string compression = kDefaultKafkaCompression;  // compression.type (KAFKA_COMPRESSION)
};

struct KafkaHeader {
  std::string name;
  std::string value;
};

struct DeliveryReport {
  Status status = Status::Ok();  // Ok when the broker acknowledged the message (acks=all)
  int32_t partition = -1;
  int64_t offset = -1;
};

class KafkaProducer {
 public:
  using DeliveryCallback = std::function<void(const DeliveryReport&)>;

  // Connects lazily (librdkafka); fails only on invalid configuration.
  // The producer is idempotent with acks=all.
  static Result<std::unique_ptr<KafkaProducer>> Create(const KafkaProducerOptions& options);
  // Flushes outstanding messages (up to 10 s) and stops the delivery thread.
  ~KafkaProducer();

  // Queues a message. `on_delivery` runs exactly once, on the producer's delivery
  // thread, unless this returns an error (then it never runs). Keep it short.
  Status Produce(const std::string& topic, std::string_view key, std::string_view value,
                 const std::vector<KafkaHeader>& headers, DeliveryCallback on_delivery);
  // Produces and waits for the delivery report.
  DeliveryReport ProduceAndWait(const std::string& topic, std::string_view key,
                                std::string_view value, const std::vector<KafkaHeader>& headers = {});
  // Waits until every queued message has been delivered or failed.
  Status Flush(std::chrono::milliseconds timeout);
  // Messages queued and not yet reported.
  int OutstandingMessages() const;
  // Checks that a broker answers a metadata request within `timeout`.
  Status Ping(std::chrono::milliseconds timeout);

 private:
  explicit KafkaProducer(std::unique_ptr<RdKafka::Producer> producer);
  void PollLoop();

  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace la
