// The partition summaries in MongoDB (consumer/partition_totals_store.h): collection
// `partitionTotals`, {_id: "<partition>", partition, likes, streams, wm, updatedAt}.
#pragma once

#include "adapters/mongo_client.h"
#include "consumer/partition_totals_store.h"

namespace la {

class MongoPartitionTotalsStore final : public PartitionTotalsStore {
 public:
  // `mongo` (already bound to the database) must outlive the store.
  explicit MongoPartitionTotalsStore(MongoClient& mongo) : mongo_(mongo) {}

  Result<std::map<int32_t, PartitionTotal>> Read(std::span<const int32_t> partitions) override;
  Result<size_t> Apply(std::span<const PartitionTotalsUpdate> updates) override;
  Result<bool> Create(const PartitionTotal& total) override;
  Result<std::map<int32_t, std::vector<StreamOnPartition>>> StreamsOnPartitions(
      std::span<const int32_t> partitions) override;

  // The re-base of a replaced partition (`la-admin partitions rebase`, docs/exactly-once.md
  // "When Kafka's offsets start again"), its first step: the summary's `wm`, when at or
  // above `from`, becomes from - 1 (-1: none), so the new log's likes from `from` on are
  // added to it; its likes and streams stay, they are the old log's. A partition without a
  // summary first gets one summed from its stream documents (PlanBackfill; the old log is
  // gone, so none of them is ahead), before their watermarks move. Returns the summary as
  // it is now; an error when the partition's owner wrote it meanwhile (run it again).
  Result<PartitionTotal> Rebase(int32_t partition, int64_t from);

 private:
  MongoClient& mongo_;
};

}  // namespace la
