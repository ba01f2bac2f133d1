// la-consumer: counts the like events of Kafka topic `engagement-events` into
// MongoDB `streams`, every accepted like exactly once (docs/exactly-once.md), and tells
// the api nodes about new totals through Redis `stream-updates`.
//
// Several processes share the topic's partitions as consumer group
// `engagement-group`. SIGTERM or SIGINT: flush what is buffered, commit, leave
// the group, exit 0 (a second signal exits at once). Settings: --help.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "adapters/crash_report.h"
#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "adapters/redis_client.h"
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
#include "core/config.h"
#include "core/prometheus.h"

namespace la {
namespace {

constexpr std::chrono::seconds kRedisTimeout{5};
constexpr std::chrono::seconds kShutdownFlushTimeout{10};
// Each step of reading a partition's log at its anchor (offsets, then the message).
constexpr std::chrono::seconds kLogReadTimeout{5};
// Stream documents whose state a consumer remembers between flushes (about 150
// bytes each).
constexpr size_t kRememberedStreams = 200000;

std::atomic<bool> stop_requested{false};

extern "C" void OnStopSignal(int) {
  if (stop_requested.exchange(true)) _exit(130);  // second signal: do not wait
}

void HandleStopSignals() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

#ifdef LA_TEST_HOOKS
// TEST ONLY, compiled into la-consumer-test-hooks (never into la-consumer), for the crash
// test (tests/chaos/): LA_TEST_CRASH_BEFORE_COMMIT=<n> makes the process kill itself with
// SIGKILL during its n-th flush, after MongoDB applied the counts and before the Kafka
// offsets are committed: the worst moment for exactly-once. Returns no hook when the
// variable is unset.
Result<std::function<void()>> CrashHookForTesting() {
  const char* value = std::getenv("LA_TEST_CRASH_BEFORE_COMMIT");
  if (value == nullptr || *value == '\0') return std::function<void()>();
  const std::string text = value;
  int crash_at = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), crash_at);
  if (error != std::errc() || end != text.data() + text.size() || crash_at < 1) {
    return Status::Error("LA_TEST_CRASH_BEFORE_COMMIT must be a flush number >= 1, got \"" + text +
                         "\"");
  }
  spdlog::warn("TEST HOOK: this process will SIGKILL itself before committing flush {}", crash_at);
  return std::function<void()>([crash_at, flushes = 0]() mutable {
    if (++flushes < crash_at) return;
    spdlog::warn("TEST HOOK: killing the process between the MongoDB write and the commit");
    spdlog::default_logger()->flush();
    raise(SIGKILL);
  });
}
#else
// A release build has no crash hook; the variable is only reported.
Result<std::function<void()>> CrashHookForTesting() {
  if (const char* value = std::getenv("LA_TEST_CRASH_BEFORE_COMMIT"); value && *value) {
    spdlog::warn(
        "LA_TEST_CRASH_BEFORE_COMMIT is ignored: only la-consumer-test-hooks has the hook");
  }
  return std::function<void()>();
}
#endif

// Tells early whether a server is reachable. Not fatal: flushes retry until
// it is, so the consumer may start before its servers.
void WarnIfUnreachable(MongoClient& mongo, RedisClient& redis) {
  if (Status s = mongo.Ping(); !s.ok())
    spdlog::warn("{}; flushes will retry until it answers", s.message());
  if (Status s = redis.Connect(); !s.ok())
    spdlog::warn("{}; flushes will retry until it answers", s.message());
}

int Run(const Config& config) {
  Result<std::function<void()>> crash_hook = CrashHookForTesting();
  if (!crash_hook.ok()) {
    spdlog::error("{}", crash_hook.status().message());
    return 2;
  }
  Result<std::unique_ptr<MongoClient>> mongo =
      MongoClient::Create(config.mongo_uri, config.mongo_database);
  if (!mongo.ok()) {
    spdlog::error("{}", mongo.status().message());
    return 2;
  }
  RedisClient redis(config.redis, kRedisTimeout);
  Result<std::unique_ptr<KafkaProducer>> producer =
      KafkaProducer::Create({.brokers = config.kafka_brokers,
                             .linger_ms = 0,
                             .client_id = "la-consumer-dead-letters",
                             .compression = config.kafka_compression});
  if (!producer.ok()) {
    spdlog::error("{}", producer.status().message());
    return 2;
  }
  WarnIfUnreachable(**mongo, redis);

  Result<std::unique_ptr<KafkaEventLog>> log = KafkaEventLog::Create(
      config.kafka_topic, {.brokers = config.kafka_brokers,
                           .group = config.kafka_group,
                           .client_id = "la-consumer",
                           .fetch_min_bytes = config.kafka_fetch_min_bytes,
                           .fetch_wait_max_ms = config.kafka_fetch_wait_max_ms});
  if (!log.ok()) {
    spdlog::error("{}", log.status().message());
    return 2;
  }
  // Partitions are counted only while their log is the one their watermarks were written
  // against (docs/exactly-once.md, "When Kafka's offsets start again").
  MongoCounterStore store(**mongo);
  CachedCounterStore counters(store, kRememberedStreams);
  MongoAnchorStore anchors(**mongo, config.kafka_topic);
  KafkaLogReader log_reader(config.kafka_brokers, config.kafka_topic, kLogReadTimeout);
  AnchoredEventLog events(**log, anchors, log_reader,
                          {.forget_remembered_states = [&counters] { counters.Clear(); }});
  RedisDedupStore dedup(redis, std::chrono::seconds(config.dedup_ttl_s));
  KafkaDeadLetterSink dead_letters(**producer, config.kafka_dlq_topic);
  RedisUpdatePublisher publisher(redis);
  MongoPartitionTotalsStore partition_totals(**mongo);
  LikeBatcher batcher(events, dedup, counters, dead_letters, publisher,
                      {.flush_interval = std::chrono::milliseconds(config.flush_interval_ms),
                       .max_batch_messages = static_cast<size_t>(config.batch_max_events),
                       .partition_totals = &partition_totals,
                       .before_commit_for_testing = std::move(*crash_hook)});

  prometheus::Registry registry;
  ConsumerMetrics metrics(registry, std::chrono::seconds(config.dedup_ttl_s));
  std::unique_ptr<MetricsEndpoint> metrics_endpoint;
  if (config.metrics_port != 0) {
    Result<std::unique_ptr<MetricsEndpoint>> started =
        MetricsEndpoint::Start(registry, config.metrics_host, config.metrics_port);
    if (!started.ok()) {
      spdlog::error("{}", started.status().message());
      return 2;
    }
    metrics_endpoint = std::move(*started);
  }

  HandleStopSignals();
  // The MongoDB and Redis URLs may hold passwords: only the database is named.
  spdlog::info(
      "consuming {} at {} as group {}; counting into database {}, collection {}; dead letters to "
      "{}; flush every {} ms or {} events{}",
      config.kafka_topic, config.kafka_brokers, config.kafka_group, config.mongo_database,
      kStreamsCollection, config.kafka_dlq_topic, config.flush_interval_ms, config.batch_max_events,
      config.metrics_port != 0 ? "; metrics on " + config.metrics_host + ":" +
                                     std::to_string(config.metrics_port) + "/metrics"
                               : "");

  PollLoop loop(events, batcher, metrics,
                {.max_buffered_messages = static_cast<size_t>(config.batch_max_events)});
  loop.Run(stop_requested);

  spdlog::info("stopping: flushing {} buffered messages", batcher.buffered_messages());
  const Status flushed =
      loop.FlushRemaining(std::chrono::steady_clock::now() + kShutdownFlushTimeout);
  if (!flushed.ok()) spdlog::error("{}", flushed.message());
  if (Status closed = events.Close(batcher); !closed.ok()) spdlog::warn("{}", closed.message());
  spdlog::info("consumer stopped (exit status {})", flushed.ok() ? 0 : 1);
  return flushed.ok() ? 0 : 1;
}

}  // namespace
}  // namespace la

int main(int argc, char** argv) {
  la::InstallCrashReport("la-consumer");
  auto loaded =
      la::LoadConfig(la::Program::kConsumer, std::vector<std::string>(argv + 1, argv + argc),
                     la::ProcessEnvironment());
  if (!loaded.ok()) {
    std::cerr << "la-consumer: " << loaded.status().message() << "\n";
    return 2;
  }
  if (!loaded->config) {
    std::cout << "usage: la-consumer [settings]\n" << loaded->help;
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(loaded->config->log_level));
  for (const std::string& warning : loaded->warnings) spdlog::warn("{}", warning);
  return la::Run(*loaded->config);
}
