#include "adapters/kafka_topic_reader.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include "adapters/kafka_config.h"

namespace la {
namespace {

Result<std::unique_ptr<RdKafka::KafkaConsumer>> MakeReader(const std::string& brokers) {
  // group.id is required by the consumer API; it is never joined (assign, no subscribe)
  // and nothing is committed.
  Result<std::unique_ptr<RdKafka::Conf>> conf = MakeKafkaConf({
      {"bootstrap.servers", brokers},
      {"group.id", "la-topic-reader"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      {"client.id", "la-topic-reader"},
  });
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> reader(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!reader) return Status::Error("Kafka reader for " + brokers + ": " + error);
  return reader;
}

// Not const: RdKafka::Message::headers() is not.
TopicRecord ToRecord(RdKafka::Message& m) {
  TopicRecord record;
  record.partition = m.partition();
  record.offset = m.offset();
  const RdKafka::MessageTimestamp timestamp = m.timestamp();
  if (timestamp.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE) {
    record.timestamp_ms = timestamp.timestamp;
  }
  if (m.key()) record.key = *m.key();
  record.value.assign(static_cast<const char*>(m.payload()), m.len());
  if (RdKafka::Headers* headers = m.headers()) {
    for (const RdKafka::Headers::Header& h : headers->get_all()) {
      const char* value = static_cast<const char*>(h.value());
      record.headers.push_back({h.key(), value ? std::string(value, h.value_size()) : ""});
    }
  }
  return record;
}

// Errors that only mean a partition's leader is not known yet.
bool IsLeaderElection(RdKafka::ErrorCode err) {
  return err == RdKafka::ERR_NOT_LEADER_FOR_PARTITION || err == RdKafka::ERR_LEADER_NOT_AVAILABLE ||
         err == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART;
}

}  // namespace

Result<std::vector<PartitionOffsets>> ReadPartitionOffsets(const std::string& brokers,
                                                           const std::string& topic,
                                                           std::chrono::milliseconds timeout) {
  std::map<int32_t, std::string> unreadable;
  Result<std::vector<PartitionOffsets>> offsets =
      ReadSomePartitionOffsets(brokers, topic, {}, timeout, unreadable);
  if (offsets.ok() && !unreadable.empty()) return Status::Error(unreadable.begin()->second);
  return offsets;
}

Result<std::vector<PartitionOffsets>> ReadSomePartitionOffsets(
    const std::string& brokers, const std::string& topic, const std::set<int32_t>& partitions,
    std::chrono::milliseconds timeout, std::map<int32_t, std::string>& unreadable) {
  Result<std::unique_ptr<RdKafka::KafkaConsumer>> reader = MakeReader(brokers);
  if (!reader.ok()) return reader.status();
  // All topics' metadata: asking for one topic may create it on a broker that auto-creates.
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode err =
      (*reader)->metadata(true, nullptr, &raw, static_cast<int>(timeout.count()));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    return Status::Error("Kafka metadata of topic " + topic + " at " + brokers + ": " +
                         RdKafka::err2str(err));
  }
  bool found = false;
  std::vector<PartitionOffsets> offsets;
  for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
    if (t->topic() != topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      return Status::Error("topic " + topic + ": " + RdKafka::err2str(t->err()) +
                           " (create it with `la-admin topics`)");
    }
    found = !t->partitions()->empty();
    for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
      if (!partitions.empty() && !partitions.contains(p->id())) continue;
      PartitionOffsets range{p->id(), 0, 0};
      // A topic created moments ago, or a partition whose leader just died, may not have
      // a leader yet: wait for it.
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      do {
        err = (*reader)->query_watermark_offsets(topic, p->id(), &range.low, &range.high,
                                                 static_cast<int>(timeout.count()));
        if (!IsLeaderElection(err)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      } while (std::chrono::steady_clock::now() < deadline);
      if (err != RdKafka::ERR_NO_ERROR) {
        unreadable[p->id()] = "offsets of " + topic + " partition " + std::to_string(p->id()) +
                              ": " + RdKafka::err2str(err);
        continue;
      }
      offsets.push_back(range);
    }
  }
  (*reader)->close();
  if (!found) return Status::Error("topic " + topic + " does not exist at " + brokers);
  std::sort(offsets.begin(), offsets.end(),
            [](const PartitionOffsets& a, const PartitionOffsets& b) {
              return a.partition < b.partition;
            });
  return offsets;
}

Result<std::vector<TopicRecord>> ReadRanges(const std::string& brokers, const std::string& topic,
                                            const std::vector<PartitionOffsets>& ranges,
                                            std::chrono::milliseconds timeout) {
  std::set<int32_t> unfinished;
  Result<std::vector<TopicRecord>> records =
      ReadSomeRanges(brokers, topic, ranges, timeout, unfinished);
  if (records.ok() && !unfinished.empty()) {
    return Status::Error("reading " + topic + " timed out after " +
                         std::to_string(timeout.count()) + " ms with " +
                         std::to_string(unfinished.size()) + " partitions unfinished");
  }
  return records;
}

Result<std::vector<TopicRecord>> ReadSomeRanges(const std::string& brokers,
                                                const std::string& topic,
                                                const std::vector<PartitionOffsets>& ranges,
                                                std::chrono::milliseconds timeout,
                                                std::set<int32_t>& unfinished) {
  std::vector<TopicRecord> records;
  std::map<int32_t, int64_t> end_of;  // partition -> high of the ranges still being read
  std::vector<RdKafka::TopicPartition*> assignment;
  for (const PartitionOffsets& range : ranges) {
    if (range.low >= range.high) continue;
    end_of[range.partition] = range.high;
    assignment.push_back(RdKafka::TopicPartition::create(topic, range.partition, range.low));
  }
  if (assignment.empty()) return records;
  Result<std::unique_ptr<RdKafka::KafkaConsumer>> reader = MakeReader(brokers);
  if (!reader.ok()) {
    RdKafka::TopicPartition::destroy(assignment);
    return reader.status();
  }
  RdKafka::ErrorCode err = (*reader)->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (err != RdKafka::ERR_NO_ERROR) return Status::Error("Kafka assign: " + RdKafka::err2str(err));

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!end_of.empty() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m((*reader)->consume(100));
    const auto open = end_of.find(m->partition());
    if (m->err() == RdKafka::ERR__PARTITION_EOF) {
      if (open != end_of.end() && m->offset() >= open->second) end_of.erase(open);
      continue;
    }
    if (m->err() != RdKafka::ERR_NO_ERROR || open == end_of.end()) continue;
    if (m->offset() < open->second) records.push_back(ToRecord(*m));
    if (m->offset() + 1 >= open->second) end_of.erase(open);
  }
  (*reader)->close();
  for (const auto& [partition, high] : end_of) unfinished.insert(partition);
  std::erase_if(records, [&](const TopicRecord& r) { return unfinished.contains(r.partition); });
  std::sort(records.begin(), records.end(), [](const TopicRecord& a, const TopicRecord& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return records;
}

}  // namespace la
