// The like totals an api node relays to Socket.IO clients (docs/socketio-api.md).
//
// Redis channel `stream-updates` carries, per consumer flush, a JSON array of the new
// absolute totals of the streams that changed:
//   [{"streamId":"s1","likes":42},{"streamId":"s2","likes":7}]
// Because the totals are absolute and only grow, a client that merges them by streamId is
// always right. One subtlety remains: a dashboard's snapshot (or a subscriber's first
// total) is read from MongoDB while updates keep arriving. The api node holds the updates
// that arrive during the read and folds them in (FoldHeldTotals), so the snapshot is the
// first statsUpdate a dashboard gets and no total it shows ever goes down.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/counting/stream_total.h"
#include "core/status.h"

namespace la {

// The Redis pub/sub channel consumers publish new totals on and api nodes listen to.
inline constexpr const char* kStreamUpdatesChannel = "stream-updates";

// A dashboard's snapshot holds at most this many streams, the most liked first.
inline constexpr size_t kSnapshotLimit = 1000;

// Parses one {"streamId": "...", "likes": N} object: streamId must be a valid stream id
// (CheckStreamId) and likes a non-negative integer. Other fields are ignored, so a
// MongoDB `streams` document parses too.
Result<StreamTotal> ParseStreamTotal(const nlohmann::json& object);

// Parses and validates a `stream-updates` message: a JSON array of such objects (an empty
// array is valid). Fails on anything else, naming the first bad element by its index.
Result<std::vector<StreamTotal>> ParseStreamTotals(std::string_view message);

// The JSON array [{"streamId": ..., "likes": ...}, ...] of `totals`, in order.
nlohmann::json StreamTotalsJson(std::span<const StreamTotal> totals);

// {"streamId": ..., "likes": ...}: the payload of likeCount and of the subscribe ack.
nlohmann::json StreamTotalJson(const StreamTotal& total);

// Totals that arrived while a read was in flight, by stream, each at the highest value
// seen (totals only grow, so the highest is the newest).
using HeldTotals = std::unordered_map<std::string, int64_t>;

// Keeps `total` in `held` unless a higher total for its stream is already there.
void HoldTotal(HeldTotals& held, const StreamTotal& total);

// A snapshot with the held totals folded in.
struct FoldedSnapshot {
  std::vector<StreamTotal>
      snapshot;  // the snapshot's streams, in its order, each at max(read, held)
  std::vector<StreamTotal> changes;  // held streams the snapshot lacks, sorted by streamId
};

// What a dashboard gets after totals were held for it while `snapshot` was read: the
// snapshot (never larger than read) raised to the held totals, then the held streams it
// does not list (beyond its limit, or new since the read) as one ordinary update.
FoldedSnapshot FoldHeldTotals(std::vector<StreamTotal> snapshot, const HeldTotals& held);

// Conflation for a client that cannot keep up: an update still waiting in its
// queue and a newer one become one update listing each stream once, at the higher of its
// totals (totals only grow, so a client never sees one go down), in the waiting update's
// order followed by the streams new in `update`. The result lists no stream twice, so a
// slow client's pending update is bounded by the number of streams, not of updates.
std::vector<StreamTotal> MergePendingTotals(std::vector<StreamTotal> waiting,
                                            std::span<const StreamTotal> update);

}  // namespace la
