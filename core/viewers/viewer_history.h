// Viewers over time (docs/viewers.md): per stream, the highest cluster-wide count of each
// minute (the maximum, not the average: a minute's figure is never below a count that was
// shown in it) for the last hour, and the peak since the stream was first seen.
//
// Every api node folds the counts it shows into per-minute maxima (MinuteMaxima); when a
// minute ends, the node that holds the history writer's lease writes that minute's maxima
// to MongoDB collection `viewers` ({_id: streamId, streamId, firstSeen, peakViewers,
// peakAt, minutes: {"<minute % 60>": {t: minute, v: max}}}), one document per stream.
// `streams` documents stay the consumer's alone. The minutes are a ring of 60 slots, so a
// document never grows, and the writes ($max, $set of one slot) are idempotent: a second
// writer during a change of lease writes the same values.
// Pure; MinuteMaxima is not thread-safe (its owner guards it).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/time_units.h"
#include "core/viewers/viewer_counts.h"

namespace la {

inline constexpr const char* kViewersCollection = "viewers";
inline constexpr int64_t kViewerMinutes = 60;  // minutes kept

// The maxima of one finished minute (minute index = ms since epoch / 60,000).
struct MinuteOfViewers {
  int64_t minute = 0;
  std::vector<ViewerCount> maxima;  // streams with at least one viewer in it, sorted
};

class MinuteMaxima {
 public:
  // True when `now_ms` is in another minute than the one being folded (call Roll).
  bool NeedsRoll(int64_t now_ms) const { return now_ms / kMinuteMs != minute_; }
  // Closes the minute being folded and starts the one of `now_ms` from `current` (every
  // stream's count now). Returns the closed minute, unless nothing was folded yet.
  std::optional<MinuteOfViewers> Roll(int64_t now_ms, std::span<const ViewerCount> current);
  // Folds counts seen in the current minute.
  void Observe(std::span<const ViewerCount> counts);
  // The current minute's maximum of one stream so far (0 if none).
  int64_t CurrentMax(const std::string& stream_id) const;

 private:
  int64_t minute_ = -1;
  std::unordered_map<std::string, int64_t> maxima_;
};

// The update of one stream's `viewers` document for a finished minute (upsert):
// {$max: {peakViewers}, $set: {"minutes.<slot>": {t, v}, updatedAt}, $setOnInsert: {streamId,
// firstSeen}}. peakAt is not kept: $max cannot set it together with the peak.
nlohmann::json ViewerMinuteUpdate(const std::string& stream_id, int64_t minute, int64_t viewers,
                                  int64_t now_ms);

// What GET /streams/{streamId} adds about viewers: {viewers, peakViewers,
// viewersPerMinute: [{t, viewers}] (60 points, oldest first, the current minute last)}.
// `document` is the stored `viewers` document (nullopt: none yet); `viewers` the count now
// and `current_max` the current minute's maximum so far. A stored minute outside the last
// hour is left out; an invalid document is an error naming the field.
Result<nlohmann::json> ViewerHistoryBody(const std::optional<nlohmann::json>& document,
                                         int64_t now_ms, int64_t viewers, int64_t current_max);

}  // namespace la
