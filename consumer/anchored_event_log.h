// An EventLog, wrapped around the real one, that hands on the messages of a
// partition only while the partition's log is the one its watermarks were
// written against (core/counting/log_anchor.h, docs/exactly-once.md "When
// Kafka's offsets start again"). The listener (the LikeBatcher) never sees the
// messages of a replaced log, so they are neither skipped under old watermarks
// nor committed.
//
//  - Partitions the inner log assigns are checked before the listener hears of
//    them: their records are read (AnchorStore) and their logs at the anchors
//    (LogReader), and DecideStart() rules:
//      committed:   the listener gets the partition; reading starts at the
//                   committed offset;
//      from offset: the same, reading from the re-base's offset;
//      halt:        the partition is halted: an error is logged, it is listed
//                   by HaltedPartitions() (metric la_consumer_partition_halted,
//                   alert KafkaPartitionLogReplaced), its messages are dropped
//                   and none of it is committed. It is checked again every
//                   `recheck_interval`; once `la-admin partitions rebase` has
//                   re-based it, it is sought to the re-base's offset and given
//                   to the listener.
//    A check that cannot be made (MongoDB or Kafka unreachable, the topic gone)
//    leaves the partition unchecked: its messages are dropped and it is checked
//    again every `recheck_interval`, then sought back to the first dropped one.
//  - A partition whose offsets go backwards (librdkafka starts a partition at
//    its log's beginning when its position is past the end, as after the topic
//    was re-created under a running consumer) is revoked from the listener
//    (which flushes what it holds of the old log) and checked again.
//  - Before the listener is given partitions, `forget_remembered_states` runs.
//  - Commit() first stores, per partition, the anchor of the message just
//    below the committed offset, then commits: an anchor always names a message
//    already counted in MongoDB.
// Not thread-safe: one polling thread calls everything, like the inner log.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "consumer/anchor_store.h"
#include "consumer/event_log.h"
#include "consumer/log_reader.h"

namespace la {

struct AnchoredEventLogOptions {
  // How often a halted or unchecked partition is checked again.
  std::chrono::milliseconds recheck_interval{2000};
  // Called before the listener is given partitions it did not have (assigned, or
  // re-opened after a check). A re-base lowers watermarks, so a stream state
  // remembered from before (CachedCounterStore) may be ahead of the store and
  // would skip the new log's likes: the consumer forgets them here. Null: nothing
  // is remembered.
  std::function<void()> forget_remembered_states;
  // The clock of those checks (tests pass their own).
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
};

class AnchoredEventLog final : public EventLog, private PartitionOwnershipListener {
 public:
  using Clock = std::chrono::steady_clock;

  // Everything must outlive this object.
  AnchoredEventLog(EventLog& inner, AnchorStore& anchors, LogReader& reader,
                   AnchoredEventLogOptions options = {});

  Result<std::vector<LogMessage>> Poll(size_t max_messages, std::chrono::milliseconds timeout,
                                       PartitionOwnershipListener& listener) override;
  Status Commit(const std::map<int32_t, int64_t>& next_offsets) override;
  Status Pause() override;
  Status Resume() override;
  Status Seek(int32_t partition, int64_t offset) override;
  std::map<int32_t, int64_t> Lag() override;
  std::vector<int32_t> HaltedPartitions() const override;
  Status Close(PartitionOwnershipListener& listener) override;

 private:
  enum class State {
    kUnchecked,   // not compared with its log yet: messages dropped
    kDelivering,  // the listener owns it and gets its messages
    kHalted,      // its log was replaced: messages dropped until a re-base
  };
  // The last message handed to the listener, whose anchor a commit stores.
  struct HandedMessage {
    int64_t offset = 0;
    std::string key;
    std::string value;
  };
  struct Partition {
    State state = State::kUnchecked;
    std::optional<HandedMessage> last;    // kDelivering
    std::optional<int64_t> resume_at;     // not kDelivering: where to read on once delivering
    std::optional<int64_t> start_offset;  // the check's decision: read from here (a re-base)
    Clock::time_point next_check{};
  };

  // The inner log's ownership changes (PartitionOwnershipListener).
  std::map<int32_t, int64_t> StartOffsets(const std::vector<int32_t>& partitions) override;
  void OnPartitionsAssigned(const std::vector<int32_t>& partitions) override;
  void OnPartitionsRevoked(const std::vector<int32_t>& partitions) override;
  void OnPartitionsLost(const std::vector<int32_t>& partitions) override;

  // Compares `partitions` with their logs and sets their states (and their
  // start offsets); unchecked ones are tried again later.
  void Check(const std::vector<int32_t>& partitions);
  // Leaves `partitions` unchecked (a halted one stays halted) until the next try.
  void CheckLater(const std::vector<int32_t>& partitions, const std::string& why);
  void Halt(int32_t partition, const std::string& reason);
  // Checks the halted and unchecked partitions that are due.
  void RecheckDue();
  // Hands those of `partitions` that the check made fit to the listener, each
  // sought first to where it must read on.
  void Reopen(const std::vector<int32_t>& partitions);
  // Tells the listener it owns `partitions` now.
  void Give(const std::vector<int32_t>& partitions);
  // The messages of the listener's partitions, minus those of partitions whose
  // offsets went backwards, which are revoked from the listener and checked again.
  std::vector<LogMessage> Route(std::vector<LogMessage> messages);
  // Those of `partitions` that are in `state`.
  std::vector<int32_t> InState(const std::vector<int32_t>& partitions, State state) const;

  EventLog& inner_;
  AnchorStore& anchors_;
  LogReader& reader_;
  AnchoredEventLogOptions options_;
  PartitionOwnershipListener* listener_ = nullptr;  // during Poll() and Close() only
  std::map<int32_t, Partition> owned_;
};

}  // namespace la
