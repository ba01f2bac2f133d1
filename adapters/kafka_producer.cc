#include "adapters/kafka_producer.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <future>
#include <thread>

#include "adapters/kafka_config.h"

namespace la {
namespace {

// Routes each delivery report to the callback that was attached to its message.
class DeliveryRouter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<KafkaProducer::DeliveryCallback> callback(
        static_cast<KafkaProducer::DeliveryCallback*>(message.msg_opaque()));
    if (!callback) return;
    DeliveryReport report;
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      report.partition = message.partition();
      report.offset = message.offset();
    } else {
      report.status = Status::Error("Kafka delivery to " + message.topic_name() +
                                    " failed: " + message.errstr());
      report.possibly_persisted =
          message.status() == RdKafka::Message::MSG_STATUS_POSSIBLY_PERSISTED;
    }
    (*callback)(report);
  }
};

DeliveryRouter& Router() {
  static DeliveryRouter router;
  return router;
}

}  // namespace

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(const KafkaProducerOptions& options) {
  Result<std::unique_ptr<RdKafka::Conf>> conf = MakeKafkaConf({
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", std::to_string(options.linger_ms)},
      {"batch.num.messages", std::to_string(options.batch_messages)},
      {"message.timeout.ms", std::to_string(options.delivery_timeout_ms)},
      {"queue.buffering.max.messages", std::to_string(options.queue_max_messages)},
      {"compression.type", options.compression},
      // The Java client's partitioner, so every producer maps a streamId to the same partition.
      {"partitioner", "murmur2_random"},
      {"socket.keepalive.enable", "true"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "2000"},
  });
  if (!conf.ok()) return conf.status();
  std::string error;
  if ((*conf)->set("dr_cb", &Router(), error) != RdKafka::Conf::CONF_OK) {
    return Status::Error("Kafka producer: cannot set delivery callback: " + error);
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), error));
  if (!producer) return Status::Error("Kafka producer for " + options.brokers + ": " + error);
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(std::move(*conf), std::move(producer)));
}

KafkaProducer::KafkaProducer(std::unique_ptr<RdKafka::Conf> conf,
                             std::unique_ptr<RdKafka::Producer> producer)
    : conf_(std::move(conf)), producer_(std::move(producer)), poller_([this] { PollLoop(); }) {}

KafkaProducer::~KafkaProducer() {
  {
    std::shared_lock lock(producer_mutex_);
    producer_->flush(10000);
  }
  stopping_ = true;
  poller_.join();
  // Anything still queued now fails its callback, so no caller waits forever.
  producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  producer_->poll(0);
}

void KafkaProducer::PollLoop() {
  while (!stopping_) {
    producer_->poll(50);  // no lock: only this thread replaces producer_
    std::string reason;
    if (producer_->fatal_error(reason) != RdKafka::ERR_NO_ERROR) Rebuild(reason);
  }
}

void KafkaProducer::Rebuild(const std::string& reason) {
  if (fatal_reason_.empty()) {  // once per fatal error, not per failed rebuild
    ++fatal_errors_;
    spdlog::error("Kafka producer: fatal error ({}); failing its queued messages and rebuilding it",
                  reason);
    std::lock_guard lock(fatal_mutex_);
    fatal_reason_ = reason;
  }
  std::string error;
  std::unique_ptr<RdKafka::Producer> fresh(RdKafka::Producer::create(conf_.get(), error));
  if (!fresh) {
    spdlog::error("Kafka producer: rebuilding failed ({}); retrying in 1 s", error);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    return;
  }
  std::unique_ptr<RdKafka::Producer> broken;
  {
    std::unique_lock lock(producer_mutex_);
    broken = std::exchange(producer_, std::move(fresh));
  }
  // Its messages fail now (503 to their clients, who retry with the same eventId).
  broken->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  broken->poll(0);
  broken.reset();
  std::lock_guard lock(fatal_mutex_);
  fatal_reason_.clear();
  spdlog::info("Kafka producer rebuilt after a fatal error");
}

void KafkaProducer::RaiseFatalErrorForTest(const std::string& reason) {
  std::shared_lock lock(producer_mutex_);
  rd_kafka_test_fatal_error(producer_->c_ptr(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                            reason.c_str());
}

Status KafkaProducer::Produce(const std::string& topic, std::string_view key,
                              std::string_view value, const std::vector<KafkaHeader>& headers,
                              DeliveryCallback on_delivery) {
  auto* callback = new DeliveryCallback(std::move(on_delivery));
  RdKafka::Headers* rd_headers = nullptr;
  if (!headers.empty()) {
    rd_headers = RdKafka::Headers::create();
    for (const KafkaHeader& h : headers) rd_headers->add(h.name, h.value.data(), h.value.size());
  }
  std::shared_lock lock(producer_mutex_);
  RdKafka::ErrorCode err =
      producer_->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                         const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0,
                         rd_headers, callback);
  if (err != RdKafka::ERR_NO_ERROR) {
    delete callback;
    delete rd_headers;  // ownership passes to librdkafka only on success
    return Status::Error("Kafka produce to " + topic + " refused: " + RdKafka::err2str(err));
  }
  return Status::Ok();
}

DeliveryReport KafkaProducer::ProduceAndWait(const std::string& topic, std::string_view key,
                                             std::string_view value,
                                             const std::vector<KafkaHeader>& headers) {
  auto done = std::make_shared<std::promise<DeliveryReport>>();
  std::future<DeliveryReport> report = done->get_future();
  Status queued =
      Produce(topic, key, value, headers, [done](const DeliveryReport& r) { done->set_value(r); });
  if (!queued.ok()) return DeliveryReport{queued};
  return report.get();
}

Status KafkaProducer::Flush(std::chrono::milliseconds timeout) {
  std::shared_lock lock(producer_mutex_);
  RdKafka::ErrorCode err = producer_->flush(static_cast<int>(timeout.count()));
  if (err != RdKafka::ERR_NO_ERROR) {
    return Status::Error("Kafka flush: " + std::to_string(producer_->outq_len()) +
                         " messages still undelivered after " + std::to_string(timeout.count()) +
                         " ms (" + RdKafka::err2str(err) + ")");
  }
  return Status::Ok();
}

int KafkaProducer::OutstandingMessages() const {
  std::shared_lock lock(producer_mutex_);
  return producer_->outq_len();
}

Status KafkaProducer::Ping(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(fatal_mutex_);
    if (!fatal_reason_.empty()) {
      return Status::Error("Kafka producer failed fatally (" + fatal_reason_ +
                           "); it is being rebuilt, likes are refused until then");
    }
  }
  std::shared_lock lock(producer_mutex_);
  RdKafka::Metadata* metadata = nullptr;
  RdKafka::ErrorCode err =
      producer_->metadata(false, nullptr, &metadata, static_cast<int>(timeout.count()));
  std::unique_ptr<RdKafka::Metadata> owned(metadata);
  if (err != RdKafka::ERR_NO_ERROR) {
    return Status::Error("Kafka is unreachable: no metadata within " +
                         std::to_string(timeout.count()) + " ms (" + RdKafka::err2str(err) + ")");
  }
  return Status::Ok();
}

}  // namespace la
