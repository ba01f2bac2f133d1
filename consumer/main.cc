// la-consumer: counts the like events of Kafka topic `engagement-events` into
// MongoDB `streams`, every accepted like exactly once (docs/exactly-once.md), and tells
// the api nodes about new totals through Redis `stream-updates`.
//
// Several processes share the topic's partitions as consumer group
// `engagement-group`. SIGTERM or SIGINT: flush what is buffered, commit, leave
// the group, exit 0 (a second signal exits at once). Settings: --help.
// The consumer is consumer/consumer_process.h; what every program's main does is
// program/run_program.h.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "config/consumer_config.h"
#include "consumer/consumer_process.h"
#include "program/run_program.h"

namespace la {
namespace {

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

Result<std::unique_ptr<Program>> StartConsumer(const ConsumerConfig& config) {
  Result<std::function<void()>> crash_hook = CrashHookForTesting();
  if (!crash_hook.ok()) return crash_hook.status();
  return ConsumerProcess::Start(config, std::move(*crash_hook));
}

}  // namespace
}  // namespace la

int main(int argc, char** argv) {
  constexpr int kFailedStart = 2;
  return la::RunProgram("la-consumer", argc, argv, la::LoadConsumerConfig, la::StartConsumer,
                        kFailedStart);
}
