#include "core/realtime/stream_updates.h"

#include <algorithm>
#include <unordered_set>

#include "core/ids.h"
#include "core/json_depth.h"

namespace la {

Result<StreamTotal> ParseStreamTotal(const nlohmann::json& object) {
  if (!object.is_object())
    return Status::Error("expected an object {streamId, likes}, got " + object.dump());
  auto stream_id = object.find("streamId");
  if (stream_id == object.end() || !stream_id->is_string()) {
    return Status::Error("streamId must be a string, in " + object.dump());
  }
  if (Status valid = CheckStreamId(stream_id->get_ref<const std::string&>()); !valid.ok())
    return valid;
  auto likes = object.find("likes");
  if (likes == object.end() || !likes->is_number_integer() || likes->get<int64_t>() < 0) {
    return Status::Error("likes must be a non-negative integer, in " + object.dump());
  }
  return StreamTotal{stream_id->get<std::string>(), likes->get<int64_t>()};
}

Result<std::vector<StreamTotal>> ParseStreamTotals(std::string_view message) {
  // [{...}] is two levels; error messages print elements, so nothing deeper is parsed.
  constexpr size_t kMaxDepth = 2;
  if (!JsonDepthWithin(message, kMaxDepth)) {
    return Status::Error("stream-updates message nests deeper than " + std::to_string(kMaxDepth) +
                         " levels");
  }
  nlohmann::json parsed = nlohmann::json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::Error("stream-updates message is not valid JSON");
  if (!parsed.is_array())
    return Status::Error("stream-updates message must be a JSON array, got " +
                         std::string(parsed.type_name()));
  std::vector<StreamTotal> totals;
  totals.reserve(parsed.size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    Result<StreamTotal> total = ParseStreamTotal(parsed[i]);
    if (!total.ok())
      return Status::Error("stream-updates element " + std::to_string(i) + ": " +
                           total.status().message());
    totals.push_back(std::move(*total));
  }
  return totals;
}

nlohmann::json StreamTotalJson(const StreamTotal& total) {
  return {{"streamId", total.stream_id}, {"likes", total.likes}};
}

nlohmann::json StreamTotalsJson(std::span<const StreamTotal> totals) {
  nlohmann::json array = nlohmann::json::array();
  for (const StreamTotal& total : totals) array.push_back(StreamTotalJson(total));
  return array;
}

void HoldTotal(HeldTotals& held, const StreamTotal& total) {
  auto [it, inserted] = held.try_emplace(total.stream_id, total.likes);
  if (!inserted) it->second = std::max(it->second, total.likes);
}

FoldedSnapshot FoldHeldTotals(std::vector<StreamTotal> snapshot, const HeldTotals& held) {
  FoldedSnapshot folded;
  std::unordered_set<std::string_view> listed;
  for (StreamTotal& total : snapshot) {
    if (auto it = held.find(total.stream_id); it != held.end())
      total.likes = std::max(total.likes, it->second);
    listed.insert(total.stream_id);
  }
  for (const auto& [stream_id, likes] : held) {
    if (!listed.contains(stream_id)) folded.changes.push_back({stream_id, likes});
  }
  std::sort(folded.changes.begin(), folded.changes.end(),
            [](const StreamTotal& a, const StreamTotal& b) { return a.stream_id < b.stream_id; });
  folded.snapshot = std::move(snapshot);
  return folded;
}

std::vector<StreamTotal> MergePendingTotals(std::vector<StreamTotal> waiting,
                                            std::span<const StreamTotal> update) {
  std::vector<StreamTotal> merged;
  merged.reserve(waiting.size() + update.size());      // no reallocation: the keys below stay valid
  std::unordered_map<std::string_view, size_t> index;  // stream -> its place in `merged`
  auto add = [&](StreamTotal total) {
    if (auto it = index.find(total.stream_id); it != index.end()) {
      merged[it->second].likes = std::max(merged[it->second].likes, total.likes);
      return;
    }
    merged.push_back(std::move(total));
    index.emplace(merged.back().stream_id, merged.size() - 1);
  };
  for (StreamTotal& total : waiting) add(std::move(total));
  for (const StreamTotal& total : update) add(total);
  return merged;
}

}  // namespace la
