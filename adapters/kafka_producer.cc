#include "adapters/kafka_producer.h"

#include <future>

#include <librdkafka/rdkafkacpp.h>

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
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(std::move(producer)));
}

KafkaProducer::KafkaProducer(std::unique_ptr<RdKafka::Producer> producer)
    : producer_(std::move(producer)), poller_([this] { PollLoop(); }) {}

KafkaProducer::~KafkaProducer() {
  producer_->flush(10000);
  stopping_ = true;
  poller_.join();
  // Anything still queued now fails its callback, so no caller waits forever.
  producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  producer_->poll(0);
}

void KafkaProducer::PollLoop() {
  while (!stopping_) producer_->poll(50);
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
  RdKafka::ErrorCode err = producer_->produce(
      topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
      const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0, rd_headers,
      callback);
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
  RdKafka::ErrorCode err = producer_->flush(static_cast<int>(timeout.count()));
  if (err != RdKafka::ERR_NO_ERROR) {
    return Status::Error("Kafka flush: " + std::to_string(producer_->outq_len()) +
                         " messages still undelivered after " + std::to_string(timeout.count()) +
                         " ms (" + RdKafka::err2str(err) + ")");
  }
  return Status::Ok();
}

int KafkaProducer::OutstandingMessages() const { return producer_->outq_len(); }

Status KafkaProducer::Ping(std::chrono::milliseconds timeout) {
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
