// What the consumer reads from the events topic outside its group: each
// partition's readable offsets and its message at one offset, to compare with
// the partition's anchor (core/counting/log_anchor.h). Implemented over
// librdkafka (KafkaLogReader) and in memory for the tests
// (tests/unit/fakes/consumer_fakes.h). Not thread-safe: one polling thread calls it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/counting/log_anchor.h"
#include "core/status.h"

namespace la {

// What ReadAt() found, partition by partition.
struct LogReadout {
  std::map<int32_t, LogAtAnchor> logs;        // the partitions read
  std::map<int32_t, std::string> unreadable;  // the others (e.g. no leader now), with why
};

class LogReader {
 public:
  virtual ~LogReader() = default;

  // For each partition of `offsets`: the log's [start, end) now and the
  // MessageDigest() of its message at the given offset (when in range). Each
  // partition is read on its own; an error means none could be (e.g. the topic
  // does not exist).
  virtual Result<LogReadout> ReadAt(const std::map<int32_t, int64_t>& offsets) = 0;
};

}  // namespace la
