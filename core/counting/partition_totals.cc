#include "core/counting/partition_totals.h"

#include <algorithm>
#include <tuple>

namespace la {
namespace {

Result<int64_t> IntegerField(const nlohmann::json& object, const char* field, int64_t min) {
  const auto value = object.find(field);
  if (value == object.end() || !(value->is_number_integer() || value->is_number_float())) {
    return Status::Error(std::string("a partition summary needs \"") + field + "\", a number");
  }
  const int64_t number = value->is_number_integer() ? value->get<int64_t>()
                                                    : static_cast<int64_t>(value->get<double>());
  if (number < min) {
    return Status::Error(std::string("a partition summary's \"") + field + "\" must be at least " +
                         std::to_string(min) + ", got " + std::to_string(number));
  }
  return number;
}

}  // namespace

Result<PartitionTotal> ParsePartitionTotal(const nlohmann::json& object) {
  if (!object.is_object()) return Status::Error("a partition summary must be a JSON object");
  Result<int64_t> partition = IntegerField(object, "partition", 0);
  if (!partition.ok()) return partition.status();
  if (*partition > INT32_MAX) return Status::Error("a partition summary's partition is too large");
  Result<int64_t> likes = IntegerField(object, "likes", 0);
  if (!likes.ok()) return likes.status();
  Result<int64_t> streams = IntegerField(object, "streams", 0);
  if (!streams.ok()) return streams.status();
  Result<int64_t> wm = IntegerField(object, "wm", -1);
  if (!wm.ok()) return wm.status();
  return PartitionTotal{static_cast<int32_t>(*partition), *likes, *streams, *wm};
}

nlohmann::json PartitionTotalJson(const PartitionTotal& total) {
  return {{"partition", total.partition},
          {"likes", total.likes},
          {"streams", total.streams},
          {"wm", total.wm}};
}

Result<std::vector<PartitionTotal>> ParsePartitionTotals(std::string_view message) {
  const nlohmann::json json = nlohmann::json::parse(message, nullptr, false);
  if (json.is_discarded() || !json.is_array()) {
    return Status::Error("a totals-updates message must be a JSON array");
  }
  std::vector<PartitionTotal> totals;
  for (size_t i = 0; i < json.size(); ++i) {
    Result<PartitionTotal> total = ParsePartitionTotal(json[i]);
    if (!total.ok())
      return Status::Error("element " + std::to_string(i) + ": " + total.status().message());
    totals.push_back(*total);
  }
  return totals;
}

bool PartitionTotalsView::Apply(const PartitionTotal& total) {
  auto [held, inserted] = partitions_.try_emplace(total.partition, total);
  if (inserted) return true;
  const auto rank = [](const PartitionTotal& t) { return std::tie(t.likes, t.streams, t.wm); };
  const bool newer = rank(total) > rank(held->second);
  if (newer) held->second = total;
  return newer;
}

ClusterTotals PartitionTotalsView::Sum() const {
  ClusterTotals sum;
  for (const auto& [partition, total] : partitions_) {
    sum.likes += total.likes;
    sum.streams += total.streams;
    ++sum.partitions;
  }
  return sum;
}

std::vector<PartitionTotalsUpdate> PlanPartitionTotals(
    std::span<const ClassifiedEvent> events, const std::map<int32_t, int64_t>& last_offsets,
    const std::map<std::string, LikePosition>& first_likes,
    const std::map<int32_t, PartitionTotal>& summaries) {
  std::map<int32_t, PartitionTotal> next;
  for (const auto& [partition, last_offset] : last_offsets) {
    const auto summary = summaries.find(partition);
    if (summary == summaries.end() || summary->second.wm >= last_offset) continue;
    PartitionTotal& total = next[partition] = summary->second;
    total.wm = last_offset;
  }
  for (const ClassifiedEvent& event : events) {
    const auto total = next.find(event.partition);
    if (total == next.end() || event.decision != DedupDecision::kCount) continue;
    if (event.offset > summaries.at(event.partition).wm) ++total->second.likes;
  }
  for (const auto& [stream_id, first_like] : first_likes) {
    const auto total = next.find(first_like.partition);
    if (total == next.end()) continue;
    if (first_like.offset > summaries.at(first_like.partition).wm &&
        first_like.offset <= total->second.wm)
      ++total->second.streams;
  }
  std::vector<PartitionTotalsUpdate> updates;
  for (const auto& [partition, total] : next)
    updates.push_back({summaries.at(partition).wm, total});
  return updates;
}

std::optional<PartitionTotal> PlanBackfill(int32_t partition, int64_t last_offset,
                                           std::span<const StreamOnPartition> streams) {
  PartitionTotal total{partition, 0, 0, last_offset};
  for (const StreamOnPartition& stream : streams) {
    const auto own = stream.watermarks.find(partition);
    if (own == stream.watermarks.end()) continue;
    if (own->second > last_offset) return std::nullopt;
    if (stream.watermarks.begin()->first != partition) continue;  // counted in its lowest
    total.likes += stream.likes;
    total.streams += stream.likes > 0 ? 1 : 0;
  }
  return total;
}

}  // namespace la
