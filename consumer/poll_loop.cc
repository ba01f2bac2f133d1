#include "consumer/poll_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace la {
namespace {

constexpr std::chrono::seconds kLagReportInterval{1};
constexpr std::chrono::seconds kProgressLogInterval{10};
constexpr std::chrono::seconds kPollErrorLogInterval{10};

int64_t Milliseconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

PollLoop::PollLoop(EventLog& log, LikeBatcher& batcher, ConsumerMetrics& metrics,
                   PollLoopOptions options)
    : log_(log), batcher_(batcher), metrics_(metrics), options_(std::move(options)) {}

void PollLoop::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) RunRound();
}

void PollLoop::RunRound() {
  PauseWhileFull();
  PollOnce();
  const Clock::time_point now = options_.now();
  FlushIfDue(now);
  metrics_.Update(batcher_.metrics());
  ReportProgress(now);
}

Status PollLoop::FlushRemaining(Clock::time_point deadline) {
  while (batcher_.buffered_messages() > 0) {
    if (TryFlush()) break;
    const Clock::time_point now = options_.now();
    if (next_flush_attempt_ >= deadline || now >= deadline) {
      return Status::Error("gave up flushing " + std::to_string(batcher_.buffered_messages()) +
                           " buffered messages at shutdown; they stay uncommitted and will be "
                           "consumed again. Last error: " +
                           last_flush_error_.message());
    }
    if (next_flush_attempt_ > now) options_.sleep(next_flush_attempt_ - now);  // else incomplete
  }
  metrics_.Update(batcher_.metrics());
  return Status::Ok();
}

void PollLoop::PollOnce() {
  // With the buffer full (and fetching paused) a poll still serves rebalances.
  const size_t buffered = batcher_.buffered_messages();
  const size_t room =
      buffered < options_.max_buffered_messages ? options_.max_buffered_messages - buffered : 1;
  Result<std::vector<LogMessage>> messages =
      log_.Poll(std::min(room, options_.max_messages_per_poll), options_.poll_timeout, batcher_);
  if (!messages.ok()) {
    const Clock::time_point now = options_.now();
    if (now >= next_poll_error_log_) {
      spdlog::warn("polling Kafka failed: {}; polling on (this message repeats at most every {} s)",
                   messages.status().message(), kPollErrorLogInterval.count());
      next_poll_error_log_ = now + kPollErrorLogInterval;
    }
    options_.sleep(options_.poll_timeout);  // errors can come back at once
    return;
  }
  if (messages->empty()) return;
  if (!received_any_) {
    received_any_ = true;
    spdlog::info("first messages received ({} in the first poll)", messages->size());
  }
  const Clock::time_point received = options_.now();
  for (const LogMessage& message : *messages) batcher_.Add(message, received);
}

void PollLoop::FlushIfDue(Clock::time_point now) {
  if (now >= next_flush_attempt_ && batcher_.ShouldFlush(now)) TryFlush();
}

bool PollLoop::TryFlush() {
  const size_t buffered = batcher_.buffered_messages();
  const Clock::time_point started = options_.now();
  const FlushResult result = batcher_.Flush();
  const Clock::time_point finished = options_.now();

  switch (result.outcome) {
    case FlushResult::Outcome::kCommitted:
      metrics_.RecordFlush(finished - started, result.messages);
      if (flush_backoff_.consecutive_failures() > 0) {
        spdlog::info("flush succeeded again after {} failed attempts",
                     flush_backoff_.consecutive_failures());
      }
      flush_backoff_.Succeeded();
      next_flush_attempt_ = {};
      if (!result.published.ok()) spdlog::warn("{}", result.published.message());
      spdlog::debug("flushed {} messages in {} ms", result.messages,
                    Milliseconds(finished - started));
      return true;
    case FlushResult::Outcome::kIncomplete:
      // A slow store: poll once (group membership) and go on at once.
      spdlog::info("{} ({} messages buffered)", result.status.message(), buffered);
      next_flush_attempt_ = {};
      last_flush_error_ = result.status;
      return false;
    case FlushResult::Outcome::kFailed:
      break;
  }
  const std::chrono::milliseconds wait = flush_backoff_.Failed();
  next_flush_attempt_ = finished + wait;
  last_flush_error_ = result.status;
  spdlog::warn(
      "flush of {} buffered messages failed (attempt {}): {}; nothing was committed, retrying in "
      "{} ms",
      buffered, flush_backoff_.consecutive_failures(), result.status.message(), wait.count());
  return false;
}

void PollLoop::PauseWhileFull() {
  const bool full = batcher_.buffered_messages() >= options_.max_buffered_messages;
  if (full) {
    if (!paused_) {
      spdlog::warn("{} messages are buffered and not flushed yet; pausing fetching",
                   batcher_.buffered_messages());
    }
    // Pausing on every round also covers partitions assigned meanwhile.
    if (Status paused = log_.Pause(); !paused.ok()) spdlog::warn("{}", paused.message());
    paused_ = true;
  } else if (paused_) {
    if (Status resumed = log_.Resume(); !resumed.ok()) {
      spdlog::warn("{}", resumed.message());
      return;
    }
    spdlog::info("buffer has room again; fetching resumed");
    paused_ = false;
  }
}

void PollLoop::ReportProgress(Clock::time_point now) {
  if (now >= next_lag_report_) {
    metrics_.SetLag(log_.Lag());
    metrics_.SetHalted(log_.HaltedPartitions());
    next_lag_report_ = now + kLagReportInterval;
  }
  if (now < next_progress_log_) return;
  const LikeBatcherMetrics& totals = batcher_.metrics();
  if (next_progress_log_ != Clock::time_point{} &&
      totals.messages_buffered != consumed_at_last_progress_log_) {
    spdlog::info(
        "consumed {} messages in the last {} s; since start: {} consumed, {} likes counted, {} "
        "duplicates, {} dead-lettered, {} flushes ({} failed)",
        totals.messages_buffered - consumed_at_last_progress_log_, kProgressLogInterval.count(),
        totals.messages_buffered, totals.likes_counted, totals.duplicates_dropped,
        totals.dead_lettered, totals.flushes_completed, totals.flushes_failed);
  }
  consumed_at_last_progress_log_ = totals.messages_buffered;
  next_progress_log_ = now + kProgressLogInterval;
}

}  // namespace la
