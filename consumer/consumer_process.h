// The consumer (la-consumer) as one object: every part of it, wired together.
// ConsumerProcess::Start connects MongoDB, Redis and Kafka and builds the parts; Run polls
// and counts until Stop, then flushes what is buffered, commits and leaves the group.
//
// Contract: the members are declared in start-up order, so that they are destroyed in the
// shutdown order: what is built on another part goes before it.
//
// Thread-safety: Start and Run from one thread; Stop from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "adapters/redis_client.h"
#include "config/consumer_config.h"
#include "consumer/anchored_event_log.h"
#include "consumer/cached_counter_store.h"
#include "consumer/consumer_metrics.h"
#include "consumer/kafka_dead_letter_sink.h"
#include "consumer/kafka_event_log.h"
#include "consumer/kafka_log_reader.h"
#include "consumer/like_batcher.h"
#include "consumer/metrics_endpoint.h"
#include "consumer/mongo_anchor_store.h"
#include "consumer/mongo_counter_store.h"
#include "consumer/mongo_partition_totals_store.h"
#include "consumer/poll_loop.h"
#include "consumer/redis_dedup_store.h"
#include "consumer/redis_update_publisher.h"
#include "core/prometheus.h"
#include "program/run_program.h"

namespace la {

class ConsumerProcess final : public Program {
 public:
  // Connects and builds the consumer, and serves /metrics when config.metrics_port is set.
  // Fails, with a message naming what, when a client cannot be created or the metrics port
  // cannot be bound. `before_commit_for_testing`: the crash test's hook (LikeBatcherOptions).
  static Result<std::unique_ptr<Program>> Start(const ConsumerConfig& config,
                                                std::function<void()> before_commit_for_testing);

  // Polls and counts until Stop; then flushes what is buffered (10 s at most), commits and
  // leaves the group. 0 when the last flush succeeded, 1 when it did not.
  int Run() override;
  // Ends Run's polling; a second call exits the process at once (status 130).
  void Stop(int signal) override;

 private:
  ConsumerProcess(const ConsumerConfig& config, std::unique_ptr<MongoClient> mongo,
                  std::unique_ptr<KafkaProducer> producer, std::unique_ptr<KafkaEventLog> log,
                  std::function<void()> before_commit_for_testing);

  const ConsumerConfig config_;
  std::unique_ptr<MongoClient> mongo_;
  RedisClient redis_;
  std::unique_ptr<KafkaProducer> producer_;  // the dead letters'
  std::unique_ptr<KafkaEventLog> log_;
  // Partitions are counted only while their log is the one their watermarks were written
  // against (docs/exactly-once.md, "When Kafka's offsets start again").
  MongoCounterStore store_;
  CachedCounterStore counters_;
  MongoAnchorStore anchors_;
  KafkaLogReader log_reader_;
  AnchoredEventLog events_;
  RedisDedupStore dedup_;
  KafkaDeadLetterSink dead_letters_;
  RedisUpdatePublisher publisher_;
  MongoPartitionTotalsStore partition_totals_;
  LikeBatcher batcher_;
  prometheus::Registry registry_;
  ConsumerMetrics metrics_;
  std::unique_ptr<MetricsEndpoint> metrics_endpoint_;  // none when metrics_port is 0
  PollLoop loop_;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace la
