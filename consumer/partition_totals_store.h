// Where the per-partition summaries live (core/counting/partition_totals.h): MongoDB
// collection `partitionTotals`, one document per Kafka partition, written only by the
// partition's owner, as a compare-and-set on `wm`. Blocking; call from the polling thread.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "core/counting/partition_totals.h"
#include "core/status.h"

namespace la {

class PartitionTotalsStore {
 public:
  virtual ~PartitionTotalsStore() = default;

  // The stored summaries of `partitions`; a partition without one is absent.
  virtual Result<std::map<int32_t, PartitionTotal>> Read(std::span<const int32_t> partitions) = 0;
  // Applies every update in one round trip: updateOne({_id, wm: expected_wm}, {$set: next}).
  // Returns how many matched; fewer than sent means another writer moved a summary.
  virtual Result<size_t> Apply(std::span<const PartitionTotalsUpdate> updates) = 0;
  // Inserts a first summary; false when one exists already (duplicate key).
  virtual Result<bool> Create(const PartitionTotal& total) = 0;
  // For each of `partitions`, the likes and watermarks of every stream document with a
  // watermark on it (the one-time backfill), in one read: every partition is a key, with
  // no streams when none has a watermark on it. A document with watermarks on several of
  // them is listed under each.
  virtual Result<std::map<int32_t, std::vector<StreamOnPartition>>> StreamsOnPartitions(
      std::span<const int32_t> partitions) = 0;
};

}  // namespace la
