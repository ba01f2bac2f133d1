// Where malformed messages go so the pipeline never halts on them: Kafka topic
// `engagement-events-dlq` (docs/data.md).
#pragma once

#include <string>

#include "consumer/event_log.h"
#include "core/status.h"

namespace la {

// A message that cannot be counted, and why.
struct DeadLetter {
  LogMessage original;
  std::string reason;  // human-readable, e.g. "streamId must be 1-128 characters ..."
};

class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;

  // Produces the original key and bytes with the headers `error` (= reason),
  // `originalTopic`, `originalPartition` and `originalOffset` (decimal text),
  // and returns once Kafka acknowledged it (acks=all).
  virtual Status Send(const DeadLetter& letter) = 0;
};

}  // namespace la
