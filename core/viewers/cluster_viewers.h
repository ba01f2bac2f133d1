// The cluster-wide viewer counts as one api node sees them (docs/viewers.md): the sum, per
// stream, of every live node's own counts. Each node reports to the others on Redis (a
// ViewerReport per interval: the counts that changed, or all of them, numbered by `seq`);
// this table holds the latest counts of each node and keeps the sums up to date as
// reports arrive, so a report costs in proportion to the counts it carries.
//
// Failure rules:
//  - a node not heard from for `node_ttl_ms` (killed with kill -9, cut off) is dropped by
//    ExpireSilent, and its viewers with it: no other node has to act for that;
//  - a report numbered out of order tells the caller to re-read that node's full state
//    (kGap), and an older full state than the one held is ignored (kStale);
//  - the own node's counts are applied directly and never expire.
// Sums are never negative (each node's counts are not, and a node's old counts are
// subtracted before its new ones are added). Not thread-safe: the owner guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/viewers/viewer_counts.h"

namespace la {

// What a node tells the others: its counts that changed (`full` false, 0 = nobody any
// more) or all its counts (`full`, replacing what was known), numbered 1, 2, ... per node.
struct ViewerReport {
  std::string node;
  uint64_t seq = 0;
  bool full = false;
  std::vector<ViewerCount> counts;

  bool operator==(const ViewerReport&) const = default;
};

class ClusterViewers {
 public:
  enum class Applied { kApplied, kStale, kGap };

  ClusterViewers(std::string self, int64_t node_ttl_ms)
      : self_(std::move(self)), node_ttl_ms_(node_ttl_ms) {}

  const std::string& self() const { return self_; }

  // The own node's changed counts (or all of them when `full`).
  void ApplyOwn(std::span<const ViewerCount> counts, bool full);

  // Another node's report, heard at `now_ms`. A delta must carry the next `seq` of a node
  // already known (its first report must be full); otherwise nothing changes and the answer
  // is kGap: read that node's full state and Apply it. A full report older than what is
  // held is kStale. Reports of the own node are kStale.
  Applied Apply(const ViewerReport& report, int64_t now_ms);

  // Forgets the nodes not heard from since `now_ms - node_ttl_ms`; returns their ids.
  std::vector<std::string> ExpireSilent(int64_t now_ms);
  // Forgets one node (its state could not be read, or it said goodbye).
  void Forget(const std::string& node);

  int64_t Viewers(const std::string& stream_id) const;
  int64_t Total() const { return total_; }
  // The `limit` most watched streams, most watched first (ties by stream id).
  std::vector<ViewerCount> Top(size_t limit) const;
  // The streams whose sum changed since the last call, with their sums, sorted by id.
  std::vector<ViewerCount> TakeChangedSums();
  // Other nodes currently counted.
  std::vector<std::string> Nodes() const;

 private:
  struct Node {
    uint64_t seq = 0;
    int64_t heard_at_ms = 0;
    std::unordered_map<std::string, int64_t> counts;  // only non-zero
  };

  void SetCount(Node& node, const std::string& stream_id, int64_t viewers);
  void Replace(Node& node, std::span<const ViewerCount> counts);
  void Clear(Node& node);

  const std::string self_;
  const int64_t node_ttl_ms_;
  Node own_;
  std::map<std::string, Node> nodes_;              // other nodes by id
  std::unordered_map<std::string, int64_t> sums_;  // only non-zero
  std::unordered_set<std::string> changed_;
  int64_t total_ = 0;
};

// The Redis channel and keys of the viewer reports (docs/viewers.md).
inline constexpr const char* kViewerUpdatesChannel = "viewer-updates";
inline constexpr const char* kViewerNodesKey = "viewers:nodes";  // sorted set: node -> ms
// The hash of one node's counts ("<streamId>" -> viewers, plus kViewerSeqField).
std::string ViewerNodeKey(const std::string& node);
// A field no stream id can be (stream ids are [A-Za-z0-9_.:-]).
inline constexpr const char* kViewerSeqField = "#seq";

// {"node":"...","seq":N,"full":bool,"counts":{"<streamId>":viewers,...}}.
std::string EncodeViewerReport(const ViewerReport& report);
// Parses and validates a report: a node id (CheckViewerNodeId), seq >= 1, valid stream
// ids, counts from 0 to kMaxViewers. The error names what is wrong.
Result<ViewerReport> ParseViewerReport(std::string_view message);
// A node's full state as stored in its hash (field -> value, kViewerSeqField included).
Result<ViewerReport> ViewerReportFromHash(
    const std::string& node, const std::vector<std::pair<std::string, std::string>>& fields);

inline constexpr int64_t kMaxViewers = 1000000000;
// 1-128 characters of [A-Za-z0-9_.:-].
Status CheckViewerNodeId(std::string_view node);

}  // namespace la
