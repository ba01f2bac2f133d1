// The viewers of one api node: how many of its "/live" sockets are subscribed to each
// stream (docs/viewers.md). A socket subscribed to several streams counts once in each.
// The node reports the counts that changed since its last report, at most once per
// interval, so the cost of a report is proportional to the streams whose count changed,
// not to the joins and leaves: 10,000 joins of one stream between two reports are one
// changed count, and a join undone by a leave before the report is none.
//
// Counts never go negative: a leave of a stream without a viewer here is refused (the
// caller's bookkeeping is wrong, and it says so). Memory is one entry per stream with a
// viewer plus one per stream reported non-zero, so bounded by the node's subscriptions.
// Not thread-safe: the owner guards it.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace la {

// The number of viewers of one stream (on one node, or summed over the cluster).
struct ViewerCount {
  std::string stream_id;
  int64_t viewers = 0;

  bool operator==(const ViewerCount&) const = default;
};

class LocalViewerCounts {
 public:
  // One more socket of this node subscribed to `stream_id`.
  void Join(const std::string& stream_id);
  // One socket fewer. Returns false, changing nothing, when the stream has no viewer here.
  bool Leave(const std::string& stream_id);

  int64_t Viewers(const std::string& stream_id) const;

  // The streams whose count differs from the one last reported (0 for a stream nobody here
  // watches any more), sorted by stream id; they count as reported from now on.
  std::vector<ViewerCount> TakeChanges();
  // Every stream with a viewer here, sorted by stream id; all count as reported from now on
  // (a full report, after a report may have been lost).
  std::vector<ViewerCount> TakeAll();
  // The streams joined since the last call, sorted: their new sockets are owed the count
  // even if it did not change (a join and a leave of others in one interval).
  std::vector<std::string> TakeJoined();

  size_t stream_count() const { return counts_.size(); }

 private:
  std::unordered_map<std::string, int64_t> counts_;    // only streams with viewers
  std::unordered_map<std::string, int64_t> reported_;  // only non-zero reported counts
  std::unordered_set<std::string> touched_;            // joined or left since the last report
  std::unordered_set<std::string> joined_;
};

}  // namespace la
