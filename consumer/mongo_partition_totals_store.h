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
  Result<std::vector<StreamOnPartition>> StreamsOnPartition(int32_t partition) override;

 private:
  MongoClient& mongo_;
};

}  // namespace la
