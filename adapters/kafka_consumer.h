// A Kafka group consumer (librdkafka) with manual, synchronous offset commits and
// cooperative-sticky assignment. Rebalance events are handed to a listener on the
// polling thread, before partitions are taken (so the listener may say where each
// starts) or released (so their work can be flushed).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/kafka_producer.h"
#include "core/status.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace la {

struct KafkaMessage {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;
  std::string value;
  std::vector<KafkaHeader> headers;
};

struct KafkaConsumerOptions {
  std::string brokers;
  std::string group;
  std::vector<std::string> topics;
  std::string client_id = "live-analytics-consumer";
  int session_timeout_ms = 10000;
  int max_poll_interval_ms = 300000;
  // fetch.min.bytes / fetch.wait.max.ms: a fetch returns once this many bytes are
  // there or after the wait, whichever comes first.
  int fetch_min_bytes = 1;
  int fetch_wait_max_ms = 100;
};

// Partitions about to be gained or lost.
struct RebalanceEvent {
  enum class Kind { kAssigned, kRevoked, kLost } kind;
  std::string topic;
  std::vector<int32_t> partitions;
  // kAssigned: the listener may set where some of `partitions` start reading;
  // the others start at their committed offsets.
  std::map<int32_t, int64_t> start_offsets;
};

class KafkaConsumer {
 public:
  using RebalanceListener = std::function<void(RebalanceEvent&)>;

  // Subscribes to the topics; partitions arrive through `listener` during Poll().
  static Result<std::unique_ptr<KafkaConsumer>> Create(const KafkaConsumerOptions& options,
                                                       RebalanceListener listener);
  ~KafkaConsumer();

  // Returns up to `max_messages`, waiting at most `timeout` for the first one and
  // then taking only what is already fetched. An error is a transient consumer
  // error (e.g. broker unreachable) to log; polling can simply continue.
  Result<std::vector<KafkaMessage>> Poll(size_t max_messages, std::chrono::milliseconds timeout);
  // Commits, synchronously, the next offset to read for each partition of `topic`.
  Status Commit(const std::string& topic, const std::map<int32_t, int64_t>& next_offsets);
  // The committed next offsets of `partitions` (-1001 when nothing is committed).
  Result<std::map<int32_t, int64_t>> Committed(const std::string& topic,
                                               const std::vector<int32_t>& partitions,
                                               std::chrono::milliseconds timeout);
  // Stops fetching from every partition assigned now, e.g. while the caller's
  // buffer is full; Poll() keeps serving rebalances. Partitions assigned later
  // are not paused.
  Status Pause();
  // Fetches again from every assigned partition, from where consumption stopped.
  Status Resume();
  // Makes the assigned `partition` of `topic` read on from `offset`; messages
  // fetched before are not delivered.
  Status Seek(const std::string& topic, int32_t partition, int64_t offset,
              std::chrono::milliseconds timeout);
  // Lag per assigned partition: high watermark minus position (from cached stats).
  std::map<int32_t, int64_t> Lag(const std::string& topic);
  // Leaves the group cleanly (revocation runs through the listener first).
  Status Close();

 private:
  class Rebalancer;
  KafkaConsumer(std::unique_ptr<Rebalancer> rebalancer,
                std::unique_ptr<RdKafka::KafkaConsumer> consumer);

  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  bool closed_ = false;
};

}  // namespace la
