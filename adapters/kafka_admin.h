// Topic administration through librdkafka's admin API.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"

namespace la {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  int min_insync_replicas = 0;  // topic config min.insync.replicas; 0: the broker's default
};

// Creates each topic that does not exist yet; an existing topic is left as it is
// (its partition count is not changed). Fails with the broker's reason otherwise.
Status EnsureTopics(const std::string& brokers, const std::vector<TopicSpec>& topics,
                    std::chrono::milliseconds timeout);

// Deletes `topics` (with every message and the groups' committed offsets of them);
// a topic that does not exist is not an error. Kafka may refuse to create a topic
// of the same name for a moment afterwards.
Status DeleteTopics(const std::string& brokers, const std::vector<std::string>& topics,
                    std::chrono::milliseconds timeout);

// The number of partitions of `topic`, or an error if it does not exist. A topic created a
// moment ago may be unknown to the broker asked: it is asked again until `timeout`.
Result<int> CountPartitions(const std::string& brokers, const std::string& topic,
                            std::chrono::milliseconds timeout);

}  // namespace la
