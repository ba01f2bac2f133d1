// The consumer's core loop body: buffers the messages polled from Kafka, per
// partition, and flushes them so that every like is counted exactly once
// (docs/exactly-once.md):
//
//   1. malformed messages -> dead-letter topic (each awaited)
//   2. dedup claims of all events (one Redis round trip; a second one for the rare likes
//      whose eventId the user first used on another stream)
//   3. read the touched stream documents, plan, apply as compare-and-set
//      (one MongoDB round trip each); documents changed meanwhile are re-read
//      and re-planned, a bounded number of times
//   4. move the summaries of the flushed partitions (core/counting/partition_totals.h),
//      when a PartitionTotalsStore is given
//   5. commit the next offset of every buffered partition
//   6. publish the new totals and summaries
//
// Any failure before step 5 leaves the buffer as it was and commits nothing;
// the next Flush() repeats the work, which is safe because dedup claims find
// their own positions again and watermarks keep likes from being added twice.
// For the same reason a flush may stop part-way through step 3 when it has run
// for `max_flush_duration` (a slow store): it commits nothing, the caller polls
// Kafka (so the consumer stays in its group) and calls Flush() again, which
// finds the streams already applied at their new watermarks and goes on.
// Not thread-safe: call everything from the polling thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "consumer/counter_store.h"
#include "consumer/dead_letter_sink.h"
#include "consumer/dedup_store.h"
#include "consumer/event_log.h"
#include "consumer/partition_totals_store.h"
#include "consumer/update_publisher.h"
#include "core/counting/flush_plan.h"
#include "core/status.h"

namespace la {

struct LikeBatcherOptions {
  std::chrono::milliseconds flush_interval{1000};  // FLUSH_INTERVAL_MS
  size_t max_batch_messages = 100000;              // BATCH_MAX_EVENTS
  // How many times (at least 1) one flush reads, plans and updates documents
  // whose compare-and-set keeps failing before giving up; the flush is then
  // retried as a whole later.
  int max_apply_attempts = 3;
  // Stream documents per CounterStore::Apply call; the flush checks its time
  // budget between calls.
  size_t updates_per_apply = 2000;
  // A flush still applying after this long stops (kIncomplete) and is resumed
  // by the next Flush(). Far below Kafka's max.poll.interval.ms.
  std::chrono::milliseconds max_flush_duration{10000};
  // The clock of that budget (tests pass their own).
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
  // The per-partition summaries (true cluster totals); null: none are kept.
  PartitionTotalsStore* partition_totals = nullptr;
  // Test-only: called after the counters are applied and before the offsets
  // are committed, so a crash test can kill the process exactly there.
  std::function<void()> before_commit_for_testing;
  // Wall clock in ms since epoch: places the likes-over-time window.
  std::function<int64_t()> wall_clock_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
};

// Running totals since start, for /metrics.
struct LikeBatcherMetrics {
  uint64_t messages_buffered = 0;              // accepted by Add()
  uint64_t messages_ignored = 0;               // of unowned partitions or delivered twice
  uint64_t likes_counted = 0;                  // likes added to the store by this process
  uint64_t duplicates_dropped = 0;             // events first seen at another position
  uint64_t dead_lettered = 0;                  // messages acknowledged by the dead-letter topic
  uint64_t flushes_completed = 0;              // flushes that committed their offsets
  uint64_t flushes_failed = 0;                 // flushes that returned an error
  uint64_t flushes_incomplete = 0;             // flushes stopped by their time budget
  uint64_t update_conflicts = 0;               // compare-and-set updates re-planned
  uint64_t messages_dropped_on_rebalance = 0;  // left uncommitted to the next owner
  uint64_t last_flush_messages = 0;            // batch size of the last completed flush
  // The dedup window: age (wall clock - the event's timeStamp) of the oldest
  // event of the last batch claimed for dedup. A copy older than DEDUP_TTL_S may find its
  // first copy's key expired and be counted twice.
  int64_t oldest_claimed_event_age_ms = 0;
};

// What a Flush() did.
struct FlushResult {
  enum class Outcome {
    kCommitted,   // offsets committed (or nothing was buffered)
    kIncomplete,  // ran out of time part-way: nothing committed, call Flush() again soon
    kFailed,      // an error before the commit: nothing committed, retry after a backoff
  };
  Outcome outcome = Outcome::kCommitted;
  // kFailed: why. kIncomplete: how far it got. kCommitted: Ok.
  Status status = Status::Ok();
  // kCommitted: how many messages the commit covered.
  size_t messages = 0;
  // kCommitted: Ok, or why publishing the new totals failed. That happens after
  // the commit and is not retried; the streams' next totals are published.
  Status published = Status::Ok();

  // Committed and published.
  bool ok() const { return committed() && published.ok(); }
  bool committed() const { return outcome == Outcome::kCommitted; }
};

class LikeBatcher final : public PartitionOwnershipListener {
 public:
  using Clock = std::chrono::steady_clock;

  // The stores must outlive the batcher.
  LikeBatcher(EventLog& log, DedupStore& dedup, CounterStore& counters,
              DeadLetterSink& dead_letters, UpdatePublisher& publisher, LikeBatcherOptions options);

  // Buffers one polled message, parsing and validating it now. Messages of a
  // partition this consumer does not own, or at or below an offset already
  // seen for its partition, are ignored.
  void Add(const LogMessage& message, Clock::time_point now);

  // True when the buffer is due: `flush_interval` has passed since its first
  // message, or it holds `max_batch_messages`. After a failed Flush() it stays
  // due, so the caller should wait a little before trying again.
  bool ShouldFlush(Clock::time_point now) const;

  // Counts, commits and publishes everything buffered (see the file comment).
  // Unless committed, nothing is committed and the buffer is kept for the next
  // call; a failure to publish is reported after the commit.
  FlushResult Flush();

  // Messages waiting for a flush; the caller stops polling (pauses) while
  // this is at max_batch_messages and flushes keep failing.
  size_t buffered_messages() const { return buffered_messages_; }

  const LikeBatcherMetrics& metrics() const { return metrics_; }

  // PartitionOwnershipListener. A revocation flushes first and, if that
  // fails, drops the revoked partitions' messages (logged) for the next owner.
  void OnPartitionsAssigned(const std::vector<int32_t>& partitions) override;
  void OnPartitionsRevoked(const std::vector<int32_t>& partitions) override;
  void OnPartitionsLost(const std::vector<int32_t>& partitions) override;

 private:
  // A valid like event waiting for a flush.
  struct PendingEvent {
    int64_t offset = 0;
    std::string event_id;
    std::string stream_id;
    int64_t timestamp_ms = 0;  // the event's timeStamp (likes over time)
    std::string user_id;       // dedup keys are scoped to the user
  };
  // The buffered messages of one owned partition.
  struct PartitionBuffer {
    std::vector<PendingEvent> events;
    std::vector<DeadLetter> unsent_dead_letters;  // removed once acknowledged
    size_t messages = 0;
    int64_t last_offset = -1;  // highest offset seen since the partition was assigned
  };

  // What CountAndCommit() hands back to Flush() when it did not fail.
  struct CountedFlush {
    bool committed = false;  // false: stopped at the time budget
    std::vector<StreamTotal> totals;
    std::vector<PartitionTotal> partition_totals;  // the summaries moved
    uint64_t duplicates = 0;
    std::string progress;  // when not committed: how far it got
  };
  // What ApplyCounts() hands back when it did not fail.
  struct AppliedCounts {
    bool complete = false;  // false: stopped at the time budget
    std::vector<StreamTotal> totals;
    size_t applied_updates = 0;
    size_t planned_updates = 0;
    std::map<std::string, LikePosition> first_likes;  // of the settled streams that have one
  };

  Result<CountedFlush> CountAndCommit();
  Status SendDeadLetters();
  Result<std::vector<ClassifiedEvent>> ClaimEvents();
  // One round trip of dedup claims, checked to answer every claim.
  Result<std::vector<std::optional<std::string>>> ClaimAll(std::span<const DedupClaim> claims);
  Result<AppliedCounts> ApplyCounts(std::vector<ClassifiedEvent> events);
  // Step 4: the summaries moved (or created by a first backfill).
  Result<std::vector<PartitionTotal>> UpdatePartitionTotals(
      const std::vector<ClassifiedEvent>& events,
      const std::map<std::string, LikePosition>& first_likes);
  // The first summaries of `partitions`, which have none, summed from their stream documents
  // (one read for all of them); a partition whose sum is not exact yet gets none.
  Result<std::vector<PartitionTotal>> CreateFirstSummaries(
      const std::vector<int32_t>& partitions, const std::map<int32_t, int64_t>& last_offsets);
  // Applies `updates` in slices; counts the applied ones and names the streams
  // whose compare-and-set missed in `changed`. Stops after a slice once
  // `deadline` has passed; returns how many updates it applied or skipped.
  Result<size_t> ApplySlices(const std::vector<StreamUpdate>& updates,
                             std::chrono::steady_clock::time_point deadline,
                             std::set<std::string>& changed);
  std::map<int32_t, int64_t> NextOffsets() const;
  void ClearBuffers();
  size_t Forget(const std::vector<int32_t>& partitions);

  EventLog& log_;
  DedupStore& dedup_;
  CounterStore& counters_;
  DeadLetterSink& dead_letters_;
  UpdatePublisher& publisher_;
  LikeBatcherOptions options_;

  std::map<int32_t, PartitionBuffer> owned_;  // one entry per owned partition
  size_t buffered_messages_ = 0;
  std::optional<Clock::time_point> first_buffered_at_;
  LikeBatcherMetrics metrics_;
};

}  // namespace la
