#include "core/viewers/viewer_counts.h"

#include <algorithm>

namespace la {
namespace {

std::vector<std::string> Sorted(std::unordered_set<std::string>& names) {
  std::vector<std::string> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end());
  names.clear();
  return sorted;
}

}  // namespace

void LocalViewerCounts::Join(const std::string& stream_id) {
  ++counts_[stream_id];
  touched_.insert(stream_id);
  joined_.insert(stream_id);
}

bool LocalViewerCounts::Leave(const std::string& stream_id) {
  const auto found = counts_.find(stream_id);
  if (found == counts_.end()) return false;
  if (--found->second == 0) counts_.erase(found);
  touched_.insert(stream_id);
  return true;
}

int64_t LocalViewerCounts::Viewers(const std::string& stream_id) const {
  const auto found = counts_.find(stream_id);
  return found == counts_.end() ? 0 : found->second;
}

std::vector<ViewerCount> LocalViewerCounts::TakeChanges() {
  std::vector<ViewerCount> changes;
  for (const std::string& stream_id : Sorted(touched_)) {
    const int64_t now = Viewers(stream_id);
    const auto reported = reported_.find(stream_id);
    const int64_t before = reported == reported_.end() ? 0 : reported->second;
    if (now == before) continue;
    changes.push_back({stream_id, now});
    if (now == 0) {
      reported_.erase(reported);
    } else {
      reported_[stream_id] = now;
    }
  }
  return changes;
}

std::vector<ViewerCount> LocalViewerCounts::TakeAll() {
  touched_.clear();
  reported_ = counts_;
  std::vector<ViewerCount> all;
  all.reserve(counts_.size());
  for (const auto& [stream_id, viewers] : counts_) all.push_back({stream_id, viewers});
  std::sort(all.begin(), all.end(),
            [](const ViewerCount& a, const ViewerCount& b) { return a.stream_id < b.stream_id; });
  return all;
}

std::vector<std::string> LocalViewerCounts::TakeJoined() { return Sorted(joined_); }

}  // namespace la
