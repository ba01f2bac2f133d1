#include "consumer/consumer_process.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

namespace la {
namespace {

constexpr std::chrono::seconds kRedisTimeout{5};
constexpr std::chrono::seconds kShutdownFlushTimeout{10};
// Each step of reading a partition's log at its anchor (offsets, then the message).
constexpr std::chrono::seconds kLogReadTimeout{5};
// Stream documents whose state a consumer remembers between flushes (about 150
// bytes each).
constexpr size_t kRememberedStreams = 200000;

// Tells early whether a server is reachable. Not fatal: flushes retry until
// it is, so the consumer may start before its servers.
void WarnIfUnreachable(MongoClient& mongo, RedisClient& redis) {
  if (Status s = mongo.Ping(); !s.ok())
    spdlog::warn("{}; flushes will retry until it answers", s.message());
  if (Status s = redis.Connect(); !s.ok())
    spdlog::warn("{}; flushes will retry until it answers", s.message());
}

}  // namespace

Result<std::unique_ptr<Program>> ConsumerProcess::Start(
    const ConsumerConfig& config, std::function<void()> before_commit_for_testing) {
  Result<std::unique_ptr<MongoClient>> mongo =
      MongoClient::Create(config.mongo_uri, config.mongo_database);
  if (!mongo.ok()) return mongo.status();
  Result<std::unique_ptr<KafkaProducer>> producer =
      KafkaProducer::Create({.brokers = config.kafka_brokers,
                             .linger_ms = 0,
                             .client_id = "la-consumer-dead-letters",
                             .compression = config.kafka_compression});
  if (!producer.ok()) return producer.status();
  Result<std::unique_ptr<KafkaEventLog>> log = KafkaEventLog::Create(
      config.kafka_topic, {.brokers = config.kafka_brokers,
                           .group = config.kafka_group,
                           .client_id = "la-consumer",
                           .fetch_min_bytes = config.kafka_fetch_min_bytes,
                           .fetch_wait_max_ms = config.kafka_fetch_wait_max_ms});
  if (!log.ok()) return log.status();
  std::unique_ptr<ConsumerProcess> process(
      new ConsumerProcess(config, std::move(*mongo), std::move(*producer), std::move(*log),
                          std::move(before_commit_for_testing)));
  WarnIfUnreachable(*process->mongo_, process->redis_);
  if (config.metrics_port != 0) {
    Result<std::unique_ptr<MetricsEndpoint>> started =
        MetricsEndpoint::Start(process->registry_, config.metrics_host, config.metrics_port);
    if (!started.ok()) return started.status();
    process->metrics_endpoint_ = std::move(*started);
  }
  return std::unique_ptr<Program>(std::move(process));
}

ConsumerProcess::ConsumerProcess(const ConsumerConfig& config, std::unique_ptr<MongoClient> mongo,
                                 std::unique_ptr<KafkaProducer> producer,
                                 std::unique_ptr<KafkaEventLog> log,
                                 std::function<void()> before_commit_for_testing)
    : config_(config),
      mongo_(std::move(mongo)),
      redis_(config_.redis, kRedisTimeout),
      producer_(std::move(producer)),
      log_(std::move(log)),
      store_(*mongo_),
      counters_(store_, kRememberedStreams),
      anchors_(*mongo_, config_.kafka_topic),
      log_reader_(config_.kafka_brokers, config_.kafka_topic, kLogReadTimeout),
      events_(*log_, anchors_, log_reader_,
              {.forget_remembered_states = [this] { counters_.Clear(); }}),
      dedup_(redis_, std::chrono::seconds(config_.dedup_ttl_s)),
      dead_letters_(*producer_, config_.kafka_dlq_topic),
      publisher_(redis_, config_.kafka_topic),
      partition_totals_(*mongo_),
      batcher_(events_, dedup_, counters_, dead_letters_, publisher_,
               {.flush_interval = std::chrono::milliseconds(config_.flush_interval_ms),
                .max_batch_messages = static_cast<size_t>(config_.batch_max_events),
                .partition_totals = &partition_totals_,
                .before_commit_for_testing = std::move(before_commit_for_testing)}),
      metrics_(registry_, std::chrono::seconds(config_.dedup_ttl_s)),
      loop_(events_, batcher_, metrics_,
            {.max_buffered_messages = static_cast<size_t>(config_.batch_max_events)}) {}

void ConsumerProcess::Stop(int) {
  if (stop_requested_.exchange(true)) _exit(130);  // second signal: do not wait
}

int ConsumerProcess::Run() {
  // The MongoDB and Redis URLs may hold passwords: only the database is named.
  spdlog::info(
      "consuming {} at {} as group {}; counting into database {}, collection {}; dead letters to "
      "{}; flush every {} ms or {} events{}",
      config_.kafka_topic, config_.kafka_brokers, config_.kafka_group, config_.mongo_database,
      kStreamsCollection, config_.kafka_dlq_topic, config_.flush_interval_ms,
      config_.batch_max_events,
      config_.metrics_port != 0 ? "; metrics on " + config_.metrics_host + ":" +
                                      std::to_string(config_.metrics_port) + "/metrics"
                                : "");
  loop_.Run(stop_requested_);

  spdlog::info("stopping: flushing {} buffered messages", batcher_.buffered_messages());
  const Status flushed =
      loop_.FlushRemaining(std::chrono::steady_clock::now() + kShutdownFlushTimeout);
  if (!flushed.ok()) spdlog::error("{}", flushed.message());
  if (Status closed = events_.Close(batcher_); !closed.ok()) spdlog::warn("{}", closed.message());
  spdlog::info("consumer stopped (exit status {})", flushed.ok() ? 0 : 1);
  return flushed.ok() ? 0 : 1;
}

}  // namespace la
