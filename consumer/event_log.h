// What the consumer needs from Kafka: the messages of the events topic, in
// offset order per partition, hand-committed offsets, word of partitions
// gained and lost, pausing while the caller's buffer is full, moving a
// partition's position, and the lag.
// Implemented over librdkafka's group consumer (KafkaEventLog) and in memory
// for the tests (tests/unit/fakes/consumer_fakes.h). Not thread-safe: one
// polling thread calls everything.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace la {

// One message of the events topic, as Kafka delivered it.
struct LogMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;    // empty when the message had no key
  std::string value;  // the raw bytes, not yet validated
};

// Told which partitions this consumer owns. An EventLog calls these from inside
// Poll() (and a closing one from inside its Close()), on the polling thread.
class PartitionOwnershipListener {
 public:
  virtual ~PartitionOwnershipListener() = default;

  // Asked just before OnPartitionsAssigned: where some of `partitions` start
  // reading. The others (all, by default) start at their committed offsets.
  virtual std::map<int32_t, int64_t> StartOffsets(const std::vector<int32_t>& partitions) {
    (void)partitions;
    return {};
  }
  // `partitions` now belong to this consumer; their messages start at the
  // committed offsets.
  virtual void OnPartitionsAssigned(const std::vector<int32_t>& partitions) = 0;
  // `partitions` are about to be handed to another consumer. They are still
  // owned during this call, so their finished work may be committed now;
  // nothing of them may be committed afterwards.
  virtual void OnPartitionsRevoked(const std::vector<int32_t>& partitions) = 0;
  // `partitions` were already taken away (e.g. the session timed out): nothing
  // of them may be committed any more.
  virtual void OnPartitionsLost(const std::vector<int32_t>& partitions) = 0;
};

// The consumer's view of the events topic (one topic, consumer group, manual
// commits).
class EventLog {
 public:
  virtual ~EventLog() = default;

  // Returns up to `max_messages` messages, waiting at most `timeout` for the
  // first. Ownership changes reach `listener` during this call, which may
  // Commit() from inside it. An error is a transient consumer error (e.g.
  // broker unreachable): log it and poll again.
  virtual Result<std::vector<LogMessage>> Poll(size_t max_messages,
                                               std::chrono::milliseconds timeout,
                                               PartitionOwnershipListener& listener) = 0;
  // Commits synchronously, for each partition, the offset of the next message
  // to read (last processed offset + 1). Returns once the broker has stored them.
  virtual Status Commit(const std::map<int32_t, int64_t>& next_offsets) = 0;

  // Stops (Pause) or restarts (Resume) fetching from every owned partition,
  // while the caller cannot take more messages. Poll() keeps serving ownership
  // changes meanwhile; partitions assigned after a Pause() are not paused.
  virtual Status Pause() = 0;
  virtual Status Resume() = 0;
  // Makes the owned `partition` read on from `offset`.
  virtual Status Seek(int32_t partition, int64_t offset) = 0;
  // Messages not yet consumed, per owned partition (for /metrics); empty when
  // unknown.
  virtual std::map<int32_t, int64_t> Lag() = 0;
  // Owned partitions whose messages are held back because their log is not the
  // one their counts were written against (consumer/anchored_event_log.h); for
  // /metrics.
  virtual std::vector<int32_t> HaltedPartitions() const { return {}; }

  // Leaves the group; `listener` hears of the revocation first.
  virtual Status Close(PartitionOwnershipListener& listener) = 0;
};

// Points `slot` at `listener` while it lives: how an EventLog hands the
// ownership changes of one Poll() or Close() to that call's listener.
class ListenerScope {
 public:
  ListenerScope(PartitionOwnershipListener*& slot, PartitionOwnershipListener& listener)
      : slot_(slot) {
    slot_ = &listener;
  }
  ~ListenerScope() { slot_ = nullptr; }
  ListenerScope(const ListenerScope&) = delete;
  ListenerScope& operator=(const ListenerScope&) = delete;

 private:
  PartitionOwnershipListener*& slot_;
};

}  // namespace la
