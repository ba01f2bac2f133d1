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
  // The likes and watermarks of every stream document with a watermark on `partition`
  // (the one-time backfill).
  virtual Result<std::vector<StreamOnPartition>> StreamsOnPartition(int32_t partition) = 0;
};

}  // namespace la
