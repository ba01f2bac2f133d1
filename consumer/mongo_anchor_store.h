// The anchors in MongoDB: collection `partition_logs`, one document per
// partition of the events topic (core/counting/log_anchor.h),
//   {_id: "<topic>:<partition>", topic, partition,
//    anchor: {offset, digest: "<16 hex digits>"},   the last committed message
//    rebaseFrom: offset,                             after a re-base, until an anchor
//    updatedAt}
// written by the partition's consumer at every commit, and by `la-admin
// partitions rebase`, which also moves the partition's watermarks in `streams`
// (RebaseWatermarks). Safe from any thread (MongoClient is).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/mongo_client.h"
#include "consumer/anchor_store.h"

namespace la {

inline constexpr const char* kPartitionLogsCollection = "partition_logs";

class MongoAnchorStore final : public AnchorStore {
 public:
  // `mongo` (already bound to the database) must outlive the store; `topic` is the
  // events topic whose partitions it keeps.
  MongoAnchorStore(MongoClient& mongo, std::string topic);

  Result<std::map<int32_t, PartitionLogRecord>> Read(
      const std::vector<int32_t>& partitions) override;
  Status SaveAnchors(const std::map<int32_t, LogAnchor>& anchors) override;

  // Every partition that has a record.
  Result<std::map<int32_t, PartitionLogRecord>> ReadAll();
  // The re-base's last step: if `partition` still has the anchor `expected`,
  // removes it and records that its log is counted from `from`. False when the
  // record changed meanwhile (nothing was written).
  Result<bool> Rebase(int32_t partition, const LogAnchor& expected, int64_t from);
  // The re-base's step in the stream documents (after the partition's summary,
  // MongoPartitionTotalsStore::Rebase, which may sum them): in every stream document,
  // a watermark of `partition` at or above `from` becomes from - 1 (is removed when
  // `from` is 0), so the log's messages from `from` on are counted; and a `firstLike`
  // on `partition` is removed: it is a position in the old log, which the new log's
  // offsets may reach again, and would count its stream in the summary's `streams` a
  // second time. Returns how many watermarks moved.
  Result<int64_t> RebaseWatermarks(int32_t partition, int64_t from);

 private:
  std::string Id(int32_t partition) const;
  Result<std::map<int32_t, PartitionLogRecord>> Find(const nlohmann::json& filter);

  MongoClient& mongo_;
  std::string topic_;
};

}  // namespace la
