// The consumer process's main loop: poll the events topic, hand messages to the
// LikeBatcher, flush when it is due, and keep going through failures.
//
//  - A poll waits at most `poll_timeout`, so the loop notices a stop request
//    and due flushes quickly, and never spins when there is nothing to read.
//  - Rebalances reach the batcher during a poll; it flushes what it holds of
//    revoked partitions before they go.
//  - A failed flush is logged with its reason and retried after a backoff
//    (100 ms doubling to 5 s); nothing is committed meanwhile, and polling
//    continues so the group membership stays alive. A flush stopped by its
//    time budget (incomplete) goes on right after the next poll.
//  - While the buffer is full (flushes keep failing), fetching is paused.
//  - Metrics are brought up to date every round; lag and halted partitions once
//    a second.
// Not thread-safe: Run() and FlushRemaining() on one thread, the polling one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>

#include "consumer/consumer_metrics.h"
#include "consumer/event_log.h"
#include "consumer/like_batcher.h"
#include "core/retry_backoff.h"
#include "core/status.h"

namespace la {

struct PollLoopOptions {
  size_t max_buffered_messages = 100000;  // BATCH_MAX_EVENTS: pause fetching at this
  std::chrono::milliseconds poll_timeout{100};
  size_t max_messages_per_poll = 10000;
  // The time and the waits of the loop (tests pass a fake pair).
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
  std::function<void(std::chrono::steady_clock::duration)> sleep =
      [](std::chrono::steady_clock::duration wait) { std::this_thread::sleep_for(wait); };
};

class PollLoop {
 public:
  using Clock = std::chrono::steady_clock;

  // Everything must outlive the loop. `batcher` hears of the partitions `log`
  // assigns and revokes.
  PollLoop(EventLog& log, LikeBatcher& batcher, ConsumerMetrics& metrics, PollLoopOptions options);

  // Polls, buffers and flushes until `stop` is set.
  void Run(const std::atomic<bool>& stop);
  // One round of Run(): pause or resume, poll, flush if due, report.
  void RunRound();
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

  EventLog& log_;
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
