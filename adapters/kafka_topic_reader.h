// Reads a topic's messages by position, outside any consumer group, with their
// headers and timestamps: what an operator's tool needs to inspect a topic
// (la-admin dlq). Nothing is committed. Each call opens and closes its own
// librdkafka client; the functions are safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapters/kafka_producer.h"
#include "core/status.h"

namespace la {

// One message as stored, at (partition, offset).
struct TopicRecord {
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = -1;  // the producer's CreateTime, -1 if unknown
  std::string key;
  std::string value;
  std::vector<KafkaHeader> headers;
};

// The readable offsets of one partition: [low, high), high = the next offset written.
struct PartitionOffsets {
  int32_t partition = 0;
  int64_t low = 0;
  int64_t high = 0;
};

// Low and high watermarks of every partition of `topic`; an error if it does not exist.
Result<std::vector<PartitionOffsets>> ReadPartitionOffsets(const std::string& brokers,
                                                           const std::string& topic,
                                                           std::chrono::milliseconds timeout);

// The same for `partitions` of `topic` only (every partition when empty), each on
// its own: a partition whose offsets cannot be read within `timeout` (no leader)
// is left out and named in `unreadable` with the reason. An error if the topic
// does not exist or the cluster does not answer.
Result<std::vector<PartitionOffsets>> ReadSomePartitionOffsets(
    const std::string& brokers, const std::string& topic, const std::set<int32_t>& partitions,
    std::chrono::milliseconds timeout, std::map<int32_t, std::string>& unreadable);

// The messages of every range [low, high) in `ranges`, in (partition, offset) order.
// Fails when they are not all read within `timeout`.
Result<std::vector<TopicRecord>> ReadRanges(const std::string& brokers, const std::string& topic,
                                            const std::vector<PartitionOffsets>& ranges,
                                            std::chrono::milliseconds timeout);

// The same, but the ranges of partitions not finished within `timeout` are left
// out (the messages read of them too) and the partitions put in `unfinished`.
Result<std::vector<TopicRecord>> ReadSomeRanges(const std::string& brokers,
                                                const std::string& topic,
                                                const std::vector<PartitionOffsets>& ranges,
                                                std::chrono::milliseconds timeout,
                                                std::set<int32_t>& unfinished);

}  // namespace la
