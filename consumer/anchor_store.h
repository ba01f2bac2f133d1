// Where the anchors of the events topic's partitions live (core/counting/log_anchor.h):
// the last committed message of each partition, and the offset a re-base says to
// count from. Implemented over MongoDB collection `partition_logs`
// (MongoAnchorStore), and in memory for the tests (tests/unit/fakes/consumer_fakes.h).
// Not thread-safe: one polling thread calls everything.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/counting/log_anchor.h"
#include "core/status.h"

namespace la {

class AnchorStore {
 public:
  virtual ~AnchorStore() = default;

  // The records of `partitions` (one round trip); a partition without a record
  // is absent from the result.
  virtual Result<std::map<int32_t, PartitionLogRecord>> Read(
      const std::vector<int32_t>& partitions) = 0;
  // Stores each partition's anchor and removes its re-base offset (one round trip).
  virtual Status SaveAnchors(const std::map<int32_t, LogAnchor>& anchors) = 0;
};

}  // namespace la
