// Test helpers to look at what is on a topic: partition offsets, reading one
// partition from an offset, and Kafka's default (murmur2) key partitioning.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kafka_consumer.h"

namespace la::test {

// The partition Kafka's Java client (and librdkafka's murmur2_random) picks for `key`.
inline int32_t KafkaPartitionForKey(const std::string& key, int32_t partitions) {
  const uint32_t seed = 0x9747b28c, m = 0x5bd1e995;
  const size_t length = key.size();
  const auto* data = reinterpret_cast<const uint8_t*>(key.data());
  uint32_t h = seed ^ static_cast<uint32_t>(length);
  for (size_t i = 0; i + 4 <= length; i += 4) {
    uint32_t k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) |
                 (static_cast<uint32_t>(data[i + 3]) << 24);
    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2] << 16;
      [[fallthrough]];
    case 2:
      h ^= data[tail + 1] << 8;
      [[fallthrough]];
    case 1:
      h ^= data[tail];
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>((h & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

// Reads partition `partition` of `topic` from `offset` until `count` messages
// arrived, `until` returned true for one, or `timeout` passed (no consumer group).
inline std::vector<KafkaMessage> ReadPartition(
    const std::string& brokers, const std::string& topic, int32_t partition, int64_t offset,
    size_t count, std::chrono::milliseconds timeout,
    const std::function<bool(const KafkaMessage&)>& until = nullptr) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, error);
  conf->set("group.id", "test-reader", error);
  conf->set("enable.auto.commit", "false", error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  std::vector<RdKafka::TopicPartition*> assignment{
      RdKafka::TopicPartition::create(topic, partition, offset)};
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  std::vector<KafkaMessage> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    KafkaMessage& msg = out.emplace_back();
    msg.topic = m->topic_name();
    msg.partition = m->partition();
    msg.offset = m->offset();
    if (m->key()) msg.key = *m->key();
    msg.value.assign(static_cast<const char*>(m->payload()), m->len());
    if (until && until(msg)) break;
  }
  consumer->close();
  return out;
}

// The next offset to be written to each partition (its high watermark).
inline std::vector<int64_t> HighWatermarks(const std::string& brokers, const std::string& topic,
                                           int32_t partitions) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, error);
  std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), error));
  std::vector<int64_t> highs;
  for (int32_t p = 0; p < partitions; ++p) {
    // A new topic's partition may have no leader yet for a moment. The query's error must
    // not pass as a -1 offset: to ReadPartition that means "the end", after what was sent.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    int64_t low = -1, high = -1;
    RdKafka::ErrorCode queried;
    for (;;) {
      queried = client->query_watermark_offsets(topic, p, &low, &high, 5000);
      if (queried == RdKafka::ERR_NO_ERROR || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (queried != RdKafka::ERR_NO_ERROR) {
      throw std::runtime_error("the offsets of " + topic + " partition " + std::to_string(p) +
                               " could not be read for 15 s: " + RdKafka::err2str(queried));
    }
    highs.push_back(high);
  }
  return highs;
}

}  // namespace la::test
