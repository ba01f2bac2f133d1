#include "core/viewers/cluster_viewers.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/ids.h"

namespace la {
namespace {

bool ByStreamId(const ViewerCount& a, const ViewerCount& b) { return a.stream_id < b.stream_id; }

Result<int64_t> ParseCount(std::string_view what, const std::string& text) {
  int64_t value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > kMaxViewers) {
    return Status::Error(std::string(what) + " must be a whole number from 0 to " +
                         std::to_string(kMaxViewers) + ", got \"" + text.substr(0, 40) + "\"");
  }
  return value;
}

}  // namespace

void ClusterViewers::SetCount(Node& node, const std::string& stream_id, int64_t viewers) {
  const auto known = node.counts.find(stream_id);
  const int64_t before = known == node.counts.end() ? 0 : known->second;
  if (viewers == before) return;
  if (viewers == 0) {
    node.counts.erase(known);
  } else {
    node.counts[stream_id] = viewers;
  }
  int64_t& sum = sums_[stream_id];
  sum += viewers - before;
  total_ += viewers - before;
  if (sum == 0) sums_.erase(stream_id);
  changed_.insert(stream_id);
}

void ClusterViewers::Clear(Node& node) {
  const auto counts = std::move(node.counts);
  node.counts = {};
  for (const auto& [stream_id, viewers] : counts) {
    int64_t& sum = sums_[stream_id];
    sum -= viewers;
    total_ -= viewers;
    if (sum == 0) sums_.erase(stream_id);
    changed_.insert(stream_id);
  }
}

void ClusterViewers::Replace(Node& node, std::span<const ViewerCount> counts) {
  std::unordered_map<std::string, int64_t> next;
  for (const ViewerCount& count : counts) {
    if (count.viewers > 0) next[count.stream_id] = count.viewers;
  }
  // Streams that left the node's list go to 0; the others to their new count.
  std::vector<std::string> gone;
  for (const auto& [stream_id, viewers] : node.counts) {
    if (!next.contains(stream_id)) gone.push_back(stream_id);
  }
  for (const std::string& stream_id : gone) SetCount(node, stream_id, 0);
  for (const auto& [stream_id, viewers] : next) SetCount(node, stream_id, viewers);
}

void ClusterViewers::ApplyOwn(std::span<const ViewerCount> counts, bool full) {
  if (full) return Replace(own_, counts);
  for (const ViewerCount& count : counts) SetCount(own_, count.stream_id, count.viewers);
}

ClusterViewers::Applied ClusterViewers::Apply(const ViewerReport& report, int64_t now_ms) {
  if (report.node == self_) return Applied::kStale;
  auto found = nodes_.find(report.node);
  if (report.full) {
    if (found != nodes_.end() && report.seq < found->second.seq) return Applied::kStale;
    Node& node = nodes_[report.node];
    Replace(node, report.counts);
    node.seq = report.seq;
    node.heard_at_ms = now_ms;
    return Applied::kApplied;
  }
  if (found == nodes_.end()) return Applied::kGap;
  Node& node = found->second;
  if (report.seq <= node.seq) return Applied::kStale;
  if (report.seq != node.seq + 1) return Applied::kGap;
  for (const ViewerCount& count : report.counts) SetCount(node, count.stream_id, count.viewers);
  node.seq = report.seq;
  node.heard_at_ms = now_ms;
  return Applied::kApplied;
}

std::vector<std::string> ClusterViewers::ExpireSilent(int64_t now_ms) {
  std::vector<std::string> expired;
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (now_ms - it->second.heard_at_ms < node_ttl_ms_) {
      ++it;
      continue;
    }
    Clear(it->second);
    expired.push_back(it->first);
    it = nodes_.erase(it);
  }
  return expired;
}

void ClusterViewers::Forget(const std::string& node) {
  const auto found = nodes_.find(node);
  if (found == nodes_.end()) return;
  Clear(found->second);
  nodes_.erase(found);
}

int64_t ClusterViewers::Viewers(const std::string& stream_id) const {
  const auto found = sums_.find(stream_id);
  return found == sums_.end() ? 0 : found->second;
}

std::vector<ViewerCount> ClusterViewers::Top(size_t limit) const {
  std::vector<ViewerCount> all;
  all.reserve(sums_.size());
  for (const auto& [stream_id, viewers] : sums_) all.push_back({stream_id, viewers});
  const auto more_watched = [](const ViewerCount& a, const ViewerCount& b) {
    return a.viewers != b.viewers ? a.viewers > b.viewers : a.stream_id < b.stream_id;
  };
  const size_t n = std::min(limit, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    more_watched);
  all.resize(n);
  return all;
}

std::vector<ViewerCount> ClusterViewers::TakeChangedSums() {
  std::vector<ViewerCount> changed;
  changed.reserve(changed_.size());
  for (const std::string& stream_id : changed_) changed.push_back({stream_id, Viewers(stream_id)});
  changed_.clear();
  std::sort(changed.begin(), changed.end(), ByStreamId);
  return changed;
}

std::vector<std::string> ClusterViewers::Nodes() const {
  std::vector<std::string> ids;
  for (const auto& [id, node] : nodes_) ids.push_back(id);
  return ids;
}

std::string ViewerNodeKey(const std::string& node) { return "viewers:node:" + node; }

Status CheckViewerNodeId(std::string_view node) {
  // The same alphabet and length as a stream id.
  if (IsValidStreamId(node)) return Status::Ok();
  return Status::Error("a viewer node id must be 1-128 characters of [A-Za-z0-9_.:-], got \"" +
                       std::string(node.substr(0, 40)) + "\"");
}

std::string EncodeViewerReport(const ViewerReport& report) {
  nlohmann::json counts = nlohmann::json::object();
  for (const ViewerCount& count : report.counts) counts[count.stream_id] = count.viewers;
  return nlohmann::json{{"node", report.node},
                        {"seq", report.seq},
                        {"full", report.full},
                        {"counts", std::move(counts)}}
      .dump();
}

Result<ViewerReport> ParseViewerReport(std::string_view message) {
  const nlohmann::json json = nlohmann::json::parse(message, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Error("a viewer report must be a JSON object");
  }
  ViewerReport report;
  const auto node = json.find("node");
  if (node == json.end() || !node->is_string()) {
    return Status::Error("a viewer report needs \"node\", a string");
  }
  report.node = node->get<std::string>();
  if (Status valid = CheckViewerNodeId(report.node); !valid.ok()) return valid;
  const auto seq = json.find("seq");
  if (seq == json.end() || !seq->is_number_unsigned() || seq->get<uint64_t>() == 0) {
    return Status::Error("the viewer report of node " + report.node +
                         " needs \"seq\", a whole number from 1");
  }
  report.seq = seq->get<uint64_t>();
  const auto full = json.find("full");
  if (full == json.end() || !full->is_boolean()) {
    return Status::Error("the viewer report of node " + report.node +
                         " needs \"full\", true or false");
  }
  report.full = full->get<bool>();
  const auto counts = json.find("counts");
  if (counts == json.end() || !counts->is_object()) {
    return Status::Error("the viewer report of node " + report.node +
                         " needs \"counts\", an object of streamId -> viewers");
  }
  for (const auto& [stream_id, viewers] : counts->items()) {
    if (Status valid = CheckStreamId(stream_id); !valid.ok()) {
      return Status::Error("the viewer report of node " + report.node + ": " + valid.message());
    }
    if (!viewers.is_number_integer() || viewers.get<int64_t>() < 0 ||
        viewers.get<int64_t>() > kMaxViewers) {
      return Status::Error("the viewer report of node " + report.node + ": the count of " +
                           stream_id + " must be a whole number from 0 to " +
                           std::to_string(kMaxViewers));
    }
    report.counts.push_back({stream_id, viewers.get<int64_t>()});
  }
  std::sort(report.counts.begin(), report.counts.end(), ByStreamId);
  return report;
}

Result<ViewerReport> ViewerReportFromHash(
    const std::string& node, const std::vector<std::pair<std::string, std::string>>& fields) {
  ViewerReport report{node, 0, true, {}};
  for (const auto& [field, value] : fields) {
    if (field == kViewerSeqField) {
      Result<int64_t> seq = ParseCount(std::string(kViewerSeqField) + " of " + node, value);
      if (!seq.ok()) return seq.status();
      report.seq = static_cast<uint64_t>(*seq);
      continue;
    }
    if (Status valid = CheckStreamId(field); !valid.ok()) {
      return Status::Error("the viewer hash of node " + node + ": " + valid.message());
    }
    Result<int64_t> viewers = ParseCount("the viewers of " + field + " on node " + node, value);
    if (!viewers.ok()) return viewers.status();
    report.counts.push_back({field, *viewers});
  }
  if (report.seq == 0) {
    return Status::Error("the viewer hash of node " + node + " has no " + kViewerSeqField);
  }
  std::sort(report.counts.begin(), report.counts.end(), ByStreamId);
  return report;
}

}  // namespace la
