// A Kafka producer (librdkafka) whose every message reports its delivery exactly
// once: acknowledged by the broker, or failed with the broker's reason.
// A fatal error (e.g. the idempotent producer lost its sequence) makes a
// librdkafka producer unusable for good; this one then fails its queued
// messages, reports "not ready" from Ping and rebuilds the librdkafka producer
// from the same settings, so the process recovers without a restart.
// Thread-safe: Produce, Flush, Ping may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/kafka_compression.h"
#include "core/status.h"

namespace RdKafka {
class Conf;
class Producer;
}  // namespace RdKafka

namespace la {

struct KafkaProducerOptions {
  std::string brokers;
  int linger_ms = 2;                // small batching window
  int batch_messages = 10000;       // batch.num.messages: a partition batch this full goes at once
  int delivery_timeout_ms = 5000;   // message.timeout.ms: bound on ack wait, incl. retries
  int queue_max_messages = 200000;  // bounded local queue
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
  // On failure: the message had been sent when it timed out, so the broker may
  // hold it (RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED); a retry must reuse its id.
  bool possibly_persisted = false;
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
                                std::string_view value,
                                const std::vector<KafkaHeader>& headers = {});
  // Waits until every queued message has been delivered or failed.
  Status Flush(std::chrono::milliseconds timeout);
  // Messages queued and not yet reported.
  int OutstandingMessages() const;
  // Checks that a broker answers a metadata request within `timeout`; an error
  // while a fatal error is being recovered from.
  Status Ping(std::chrono::milliseconds timeout);
  // Fatal errors seen since start (each one rebuilt the librdkafka producer).
  uint64_t FatalErrors() const { return fatal_errors_; }
  // Tests only: raises a fatal error as librdkafka would (rd_kafka_test_fatal_error).
  void RaiseFatalErrorForTest(const std::string& reason);

 private:
  KafkaProducer(std::unique_ptr<RdKafka::Conf> conf, std::unique_ptr<RdKafka::Producer> producer);
  void PollLoop();
  // On the poll thread: fails what the broken producer holds and replaces it.
  void Rebuild(const std::string& reason);

  std::unique_ptr<RdKafka::Conf> conf_;  // to rebuild the producer after a fatal error
  // Replaced only by the poll thread, under an exclusive lock; every other
  // use holds a shared lock.
  mutable std::shared_mutex producer_mutex_;
  std::unique_ptr<RdKafka::Producer> producer_;
  mutable std::mutex fatal_mutex_;
  std::string fatal_reason_;  // non-empty from a fatal error until the rebuild
  std::atomic<uint64_t> fatal_errors_{0};
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace la
