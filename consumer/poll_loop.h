// The consumer process's main loop: poll the events topic, hand messages to the
// LikeBatcher, flush when it is due, and keep going through failures.
//
//  - A poll waits at most `poll_timeout`, so the loop notices a stop request
//    and due flushes quickly, and never spins when there is nothing to read.
//  - A failed flush is logged with its reason and retried after a backoff
//    (100 ms doubling to 5 s); nothing is committed meanwhile, and polling
//    continues so the group membership stays alive.
//  - While the buffer is full and flushes keep failing, fetching is paused.
//  - Metrics are brought up to date every round; lag once a second.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "consumer/consumer_metrics.h"
#include "consumer/kafka_event_log.h"
#include "consumer/like_batcher.h"
#include "consumer/retry_backoff.h"
#include "core/status.h"

namespace la {

struct PollLoopOptions {
  size_t max_buffered_messages = 100000;  // BATCH_MAX_EVENTS: pause fetching at this
  std::chrono::milliseconds poll_timeout{100};
  size_t max_messages_per_poll = 10000;
};

class PollLoop {
 public:
  using Clock = std::chrono::steady_clock;

  // Everything must outlive the loop; `log` must be started with `batcher` as
  // its listener.
  PollLoop(KafkaEventLog& log, LikeBatcher& batcher, ConsumerMetrics& metrics,
           PollLoopOptions options);

  // Polls, buffers and flushes until `stop` is set.
  void Run(const std::atomic<bool>& stop);
  // Flushes what is still buffered, retrying with backoff until `deadline`.
  // Used at shutdown, after Run() returned.
  Status FlushRemaining(Clock::time_point deadline);

 private:
  void PollOnce();
  void FlushIfDue(Clock::time_point now);
  // One flush attempt with its metrics and log lines; true if it committed.
  bool TryFlush();
  void PauseWhileFull();
  void ReportProgress(Clock::time_point now);

  KafkaEventLog& log_;
  LikeBatcher& batcher_;
  ConsumerMetrics& metrics_;
  PollLoopOptions options_;

  RetryBackoff flush_backoff_{std::chrono::milliseconds(100), std::chrono::seconds(5)};
  Clock::time_point next_flush_attempt_{};
  Status last_flush_error_ = Status::Ok();
  bool paused_ = false;
  bool received_any_ = false;
  Clock::time_point next_poll_error_log_{};
  Clock::time_point next_lag_report_{};
  Clock::time_point next_progress_log_{};
  uint64_t consumed_at_last_progress_log_ = 0;
};

}  // namespace la
