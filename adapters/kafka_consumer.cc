#include "adapters/kafka_consumer.h"

#include <librdkafka/rdkafkacpp.h>

#include "adapters/kafka_config.h"

namespace la {
namespace {

using PartitionList = std::vector<RdKafka::TopicPartition*>;

struct PartitionListOwner {
  PartitionList list;
  ~PartitionListOwner() { RdKafka::TopicPartition::destroy(list); }
};

RebalanceEvent ToEvent(RebalanceEvent::Kind kind, const PartitionList& partitions) {
  RebalanceEvent event{kind, {}, {}, {}};
  for (const RdKafka::TopicPartition* tp : partitions) {
    event.topic = tp->topic();
    event.partitions.push_back(tp->partition());
  }
  return event;
}

}  // namespace

// Applies librdkafka's (cooperative or eager) rebalance protocol and tells the
// listener about revocations before the partitions are released.
class KafkaConsumer::Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(RebalanceListener listener) : listener_(std::move(listener)) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    PartitionList& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      // The listener hears first, so that it can say where partitions start.
      if (!partitions.empty()) {
        RebalanceEvent event = ToEvent(RebalanceEvent::Kind::kAssigned, partitions);
        listener_(event);
        for (RdKafka::TopicPartition* tp : partitions) {
          const auto start = event.start_offsets.find(tp->partition());
          if (start != event.start_offsets.end()) tp->set_offset(start->second);
        }
      }
      if (cooperative) {
        delete consumer->incremental_assign(partitions);
      } else {
        consumer->assign(partitions);
      }
      return;
    }
    // Revoked (or lost): let the owner flush or drop before giving them up.
    const bool lost = consumer->assignment_lost();
    if (!partitions.empty()) {
      RebalanceEvent event =
          ToEvent(lost ? RebalanceEvent::Kind::kLost : RebalanceEvent::Kind::kRevoked, partitions);
      listener_(event);
    }
    if (cooperative) {
      delete consumer->incremental_unassign(partitions);
    } else {
      consumer->unassign();
    }
  }

 private:
  RebalanceListener listener_;
};

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(const KafkaConsumerOptions& options,
                                                             RebalanceListener listener) {
  Result<std::unique_ptr<RdKafka::Conf>> conf = MakeKafkaConf({
      {"bootstrap.servers", options.brokers},
      {"group.id", options.group},
      {"client.id", options.client_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"session.timeout.ms", std::to_string(options.session_timeout_ms)},
      {"max.poll.interval.ms", std::to_string(options.max_poll_interval_ms)},
      {"fetch.min.bytes", std::to_string(options.fetch_min_bytes)},
      {"fetch.wait.max.ms", std::to_string(options.fetch_wait_max_ms)},
      {"queued.max.messages.kbytes", "65536"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "2000"},
  });
  if (!conf.ok()) return conf.status();
  auto rebalancer = std::make_unique<Rebalancer>(std::move(listener));
  std::string error;
  if ((*conf)->set("rebalance_cb", rebalancer.get(), error) != RdKafka::Conf::CONF_OK) {
    return Status::Error("Kafka consumer: cannot set rebalance callback: " + error);
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) return Status::Error("Kafka consumer for " + options.brokers + ": " + error);
  RdKafka::ErrorCode err = consumer->subscribe(options.topics);
  if (err != RdKafka::ERR_NO_ERROR) {
    return Status::Error("Kafka subscribe failed: " + RdKafka::err2str(err));
  }
  return std::unique_ptr<KafkaConsumer>(
      new KafkaConsumer(std::move(rebalancer), std::move(consumer)));
}

KafkaConsumer::KafkaConsumer(std::unique_ptr<Rebalancer> rebalancer,
                             std::unique_ptr<RdKafka::KafkaConsumer> consumer)
    : rebalancer_(std::move(rebalancer)), consumer_(std::move(consumer)) {}

KafkaConsumer::~KafkaConsumer() { Close(); }

Result<std::vector<KafkaMessage>> KafkaConsumer::Poll(size_t max_messages,
                                                      std::chrono::milliseconds timeout) {
  std::vector<KafkaMessage> batch;
  int wait_ms = static_cast<int>(timeout.count());
  while (batch.size() < max_messages) {
    std::unique_ptr<RdKafka::Message> m(consumer_->consume(batch.empty() ? wait_ms : 0));
    switch (m->err()) {
      case RdKafka::ERR_NO_ERROR: {
        KafkaMessage& out = batch.emplace_back();
        out.topic = m->topic_name();
        out.partition = m->partition();
        out.offset = m->offset();
        if (m->key()) out.key = *m->key();
        out.value.assign(static_cast<const char*>(m->payload()), m->len());
        if (RdKafka::Headers* headers = m->headers()) {
          for (const RdKafka::Headers::Header& h : headers->get_all()) {
            out.headers.push_back(
                {h.key(), std::string(static_cast<const char*>(h.value()), h.value_size())});
          }
        }
        break;
      }
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        return batch;
      default:
        if (!batch.empty()) return batch;  // report the error on the next call
        return Status::Error("Kafka consumer: " + m->errstr());
    }
  }
  return batch;
}

Status KafkaConsumer::Commit(const std::string& topic,
                             const std::map<int32_t, int64_t>& next_offsets) {
  if (next_offsets.empty()) return Status::Ok();
  PartitionListOwner owner;
  for (const auto& [partition, offset] : next_offsets) {
    owner.list.push_back(RdKafka::TopicPartition::create(topic, partition, offset));
  }
  RdKafka::ErrorCode err = consumer_->commitSync(owner.list);
  if (err != RdKafka::ERR_NO_ERROR)
    return Status::Error("Kafka offset commit failed: " + RdKafka::err2str(err));
  for (const RdKafka::TopicPartition* tp : owner.list) {
    if (tp->err() != RdKafka::ERR_NO_ERROR) {
      return Status::Error("Kafka offset commit for " + topic + "[" +
                           std::to_string(tp->partition()) +
                           "] failed: " + RdKafka::err2str(tp->err()));
    }
  }
  return Status::Ok();
}

Result<std::map<int32_t, int64_t>> KafkaConsumer::Committed(const std::string& topic,
                                                            const std::vector<int32_t>& partitions,
                                                            std::chrono::milliseconds timeout) {
  PartitionListOwner owner;
  for (int32_t p : partitions) owner.list.push_back(RdKafka::TopicPartition::create(topic, p));
  RdKafka::ErrorCode err = consumer_->committed(owner.list, static_cast<int>(timeout.count()));
  if (err != RdKafka::ERR_NO_ERROR)
    return Status::Error("Kafka committed offsets: " + RdKafka::err2str(err));
  std::map<int32_t, int64_t> result;
  for (const RdKafka::TopicPartition* tp : owner.list) result[tp->partition()] = tp->offset();
  return result;
}

namespace {

// Pauses (or resumes) every partition assigned now.
Status SetAssignmentPaused(RdKafka::KafkaConsumer& consumer, bool paused) {
  PartitionListOwner owner;
  RdKafka::ErrorCode err = consumer.assignment(owner.list);
  if (err == RdKafka::ERR_NO_ERROR) {
    err = paused ? consumer.pause(owner.list) : consumer.resume(owner.list);
  }
  if (err != RdKafka::ERR_NO_ERROR) {
    return Status::Error(std::string("Kafka ") + (paused ? "pause" : "resume") +
                         " failed: " + RdKafka::err2str(err));
  }
  return Status::Ok();
}

}  // namespace

Status KafkaConsumer::Pause() { return SetAssignmentPaused(*consumer_, true); }

Status KafkaConsumer::Resume() { return SetAssignmentPaused(*consumer_, false); }

Status KafkaConsumer::Seek(const std::string& topic, int32_t partition, int64_t offset,
                           std::chrono::milliseconds timeout) {
  std::unique_ptr<RdKafka::TopicPartition> tp(
      RdKafka::TopicPartition::create(topic, partition, offset));
  const RdKafka::ErrorCode err = consumer_->seek(*tp, static_cast<int>(timeout.count()));
  if (err != RdKafka::ERR_NO_ERROR) {
    return Status::Error("Kafka seek of " + topic + "[" + std::to_string(partition) + "] to " +
                         std::to_string(offset) + " failed: " + RdKafka::err2str(err));
  }
  return Status::Ok();
}

std::map<int32_t, int64_t> KafkaConsumer::Lag(const std::string& topic) {
  std::map<int32_t, int64_t> lag;
  PartitionListOwner owner;
  if (consumer_->assignment(owner.list) != RdKafka::ERR_NO_ERROR) return lag;
  consumer_->position(owner.list);
  for (const RdKafka::TopicPartition* tp : owner.list) {
    if (tp->topic() != topic) continue;
    int64_t low = 0, high = 0;
    if (consumer_->get_watermark_offsets(topic, tp->partition(), &low, &high) !=
        RdKafka::ERR_NO_ERROR) {
      continue;
    }
    const int64_t position = tp->offset() >= 0 ? tp->offset() : low;
    lag[tp->partition()] = high > position ? high - position : 0;
  }
  return lag;
}

Status KafkaConsumer::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  RdKafka::ErrorCode err = consumer_->close();
  if (err != RdKafka::ERR_NO_ERROR)
    return Status::Error("Kafka consumer close: " + RdKafka::err2str(err));
  return Status::Ok();
}

}  // namespace la
