// True cluster totals (docs/viewers.md, "Cluster totals"): the likes of every stream and the
// number of streams with at least one like, exact for the whole store at any size, without
// reading every stream document.
//
// Each Kafka partition has one summary document in MongoDB collection `partitionTotals`:
// {_id: "<partition>", partition, likes, streams, wm, updatedAt}. Only the consumer that
// owns the partition writes it, in the same flush that updates the partition's stream
// documents: after every stream update of the flush is applied and before the offsets
// are committed, as a compare-and-set on `wm`. Like a stream document's watermark, `wm`
// is the highest offset of the partition already reflected in the summary, so a flush
// adds only its events above it:
//   likes   += the flush's counted events (dedup decision kCount) above wm;
//   streams += the streams whose `firstLike` (the position that took them from 0 to 1
//              like, core/counting/flush_plan.h) lies on the partition above wm;
//   wm       = the flush's highest offset of the partition.
// A replay (a crash between the stream writes and the summary, or between the summary and
// the commit) therefore adds each like and each stream once, as the stream documents do:
// both use the same events and the same dedup decisions. The cluster's totals are the sums
// over the partitions' summaries (one small read; api nodes keep them current from the
// `totals-updates` channel).
//
// A store written before the summaries existed gets one summary per partition summed from
// its stream documents, once, by the first flush of the partition that finds none
// (PlanBackfill); see the function for when that sum is exact.
// Pure; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/counting/flush_plan.h"
#include "core/status.h"

namespace la {

inline constexpr const char* kPartitionTotalsCollection = "partitionTotals";
// The Redis channel on which the consumers of Kafka topic `topic` publish the new summaries
// of each flush: `totals-updates:<topic>`. A summary's `wm` is an offset of that topic's
// partition, so summaries of another topic (another deployment or a test sharing the Redis)
// must never reach the api nodes counting this one.
inline std::string TotalsUpdatesChannel(std::string_view topic) {
  return "totals-updates:" + std::string(topic);
}

// One partition's summary.
struct PartitionTotal {
  int32_t partition = 0;
  int64_t likes = 0;
  int64_t streams = 0;
  int64_t wm = -1;  // highest offset reflected; -1: none

  bool operator==(const PartitionTotal&) const = default;
};

// Parses a summary document or a `totals-updates` element ({partition, likes, streams,
// wm}; other fields ignored). The error names the bad field.
Result<PartitionTotal> ParsePartitionTotal(const nlohmann::json& object);
// {partition, likes, streams, wm}.
nlohmann::json PartitionTotalJson(const PartitionTotal& total);
// A `totals-updates` message: a JSON array of PartitionTotalJson.
Result<std::vector<PartitionTotal>> ParsePartitionTotals(std::string_view message);

// The cluster's totals.
struct ClusterTotals {
  int64_t likes = 0;
  int64_t streams = 0;
  size_t partitions = 0;  // summaries summed

  bool operator==(const ClusterTotals&) const = default;
};

// The latest summary of each partition, as an api node learns them from a read and from
// `totals-updates` in any order. A summary's likes and streams only grow, and so does its
// `wm` except at a re-base (`la-admin partitions rebase` moves it back to where the new
// log is counted from, keeping likes and streams): so a summary replaces the held one only
// if it has more likes, or as many and more streams, or as many of both and a higher `wm`.
// A late message never takes a total back, and the first summary after a re-base is not
// taken for a late one. Not thread-safe.
class PartitionTotalsView {
 public:
  // True when it changed the view.
  bool Apply(const PartitionTotal& total);
  ClusterTotals Sum() const;

 private:
  std::map<int32_t, PartitionTotal> partitions_;
};

// The compare-and-set of one summary: applies only while the stored `wm` is
// `expected_wm`; then the document holds `next`.
struct PartitionTotalsUpdate {
  int64_t expected_wm = -1;
  PartitionTotal next;

  bool operator==(const PartitionTotalsUpdate&) const = default;
};

// The summary updates of one flush whose stream updates are all applied. `events` are the
// flush's classified events, `last_offsets` the highest offset of each partition in the
// flush (dead letters included), `first_likes` the `firstLike` of every stream of
// `events` that has one (as stored, or as set by the flush), `summaries` the stored
// summaries of those partitions. Partitions without a stored summary get none here
// (PlanBackfill). A partition whose summary is already at its last offset needs no write.
std::vector<PartitionTotalsUpdate> PlanPartitionTotals(
    std::span<const ClassifiedEvent> events, const std::map<int32_t, int64_t>& last_offsets,
    const std::map<std::string, LikePosition>& first_likes,
    const std::map<int32_t, PartitionTotal>& summaries);

// What a stream document contributes to a backfill.
struct StreamOnPartition {
  int64_t likes = 0;
  std::map<int32_t, int64_t> watermarks;
};

// The first summary of `partition`, summed from the stream documents that have a
// watermark on it, right after a flush applied everything up to `last_offset`. A stream
// with watermarks on several partitions (the partition count was raised) counts in its
// lowest one only. Exact when no stream document is ahead of the flush; when one is (a
// previous owner applied a longer batch and crashed before committing), nullopt: the
// backfill waits for a flush that has caught up.
std::optional<PartitionTotal> PlanBackfill(int32_t partition, int64_t last_offset,
                                           std::span<const StreamOnPartition> streams);

}  // namespace la
