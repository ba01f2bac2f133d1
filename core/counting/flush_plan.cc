#include "core/counting/flush_plan.h"

#include <algorithm>

namespace la {
namespace {

// The flush's events of one stream and partition that lie above its watermark.
struct PartitionTally {
  int64_t highest_offset = 0;
  int64_t counted = 0;
};

// The flush's events of one stream.
struct StreamTally {
  bool has_counted_event = false;  // at any offset, applied before or not
  std::map<int32_t, PartitionTally> above_watermark;
  std::vector<int64_t> counted_timestamps_ms;  // of the likes the update adds
  std::optional<LikePosition> first_counted;   // the lowest position of those likes
};

std::optional<int64_t> WatermarkOf(const StreamState* state, int32_t partition) {
  if (state == nullptr) return std::nullopt;
  const auto found = state->watermarks.find(partition);
  if (found == state->watermarks.end()) return std::nullopt;
  return found->second;
}

const StreamState* FindState(const StreamStates& states, const std::string& stream_id) {
  const auto found = states.find(stream_id);
  return found == states.end() ? nullptr : &found->second;
}

StreamUpdate MakeUpdate(const std::string& stream_id, const StreamState* state,
                        const StreamTally& tally, int64_t now_ms) {
  const std::map<int32_t, PartitionTally>& above_watermark = tally.above_watermark;
  StreamUpdate update;
  update.stream_id = stream_id;
  update.document_exists = state != nullptr;
  update.expected_likes = state != nullptr ? state->likes : 0;
  for (const auto& [partition, tally] : above_watermark) {
    update.advances.push_back({partition, WatermarkOf(state, partition), tally.highest_offset});
    update.likes_to_add += tally.counted;
  }
  update.new_likes = update.expected_likes + update.likes_to_add;
  if (update.expected_likes == 0 && update.likes_to_add > 0)
    update.first_like = tally.first_counted;
  update.history = PlanHistoryChange(tally.counted_timestamps_ms,
                                     state != nullptr ? state->history : HistoryBuckets{}, now_ms);
  return update;
}

}  // namespace

FlushPlan PlanFlush(std::span<const ClassifiedEvent> events, const StreamStates& states,
                    int64_t now_ms) {
  std::map<std::string, StreamTally> tallies;
  for (const ClassifiedEvent& event : events) {
    StreamTally& stream = tallies[event.stream_id];
    const bool counted = event.decision == DedupDecision::kCount;
    stream.has_counted_event |= counted;
    const std::optional<int64_t> watermark =
        WatermarkOf(FindState(states, event.stream_id), event.partition);
    if (watermark && event.offset <= *watermark) continue;  // already reflected in likes
    PartitionTally& partition = stream.above_watermark[event.partition];
    partition.highest_offset = std::max(partition.highest_offset, event.offset);
    partition.counted += counted ? 1 : 0;
    if (counted) {
      stream.counted_timestamps_ms.push_back(event.timestamp_ms);
      const LikePosition position{event.partition, event.offset};
      if (!stream.first_counted || position < *stream.first_counted)
        stream.first_counted = position;
    }
  }

  FlushPlan plan;
  for (const auto& [stream_id, tally] : tallies) {
    const StreamState* state = FindState(states, stream_id);
    int64_t total = state != nullptr ? state->likes : 0;
    if (!tally.above_watermark.empty()) {
      plan.updates.push_back(MakeUpdate(stream_id, state, tally, now_ms));
      total = plan.updates.back().new_likes;
    }
    if (tally.has_counted_event) plan.totals.push_back({stream_id, total});
  }
  return plan;
}

}  // namespace la
