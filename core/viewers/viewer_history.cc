#include "core/viewers/viewer_history.h"

#include <algorithm>

namespace la {
namespace {

Result<int64_t> WholeNumber(const nlohmann::json& value, const std::string& what) {
  if (value.is_number_integer() && value.get<int64_t>() >= 0) return value.get<int64_t>();
  if (value.is_number_float() && value.get<double>() >= 0)
    return static_cast<int64_t>(value.get<double>());
  return Status::Error(what + " must be a whole number from 0, got " + value.dump().substr(0, 40));
}

}  // namespace

std::optional<MinuteOfViewers> MinuteMaxima::Roll(int64_t now_ms,
                                                  std::span<const ViewerCount> current) {
  std::optional<MinuteOfViewers> closed;
  if (minute_ >= 0) {
    closed = MinuteOfViewers{minute_, {}};
    for (const auto& [stream_id, viewers] : maxima_) {
      if (viewers > 0) closed->maxima.push_back({stream_id, viewers});
    }
    std::sort(closed->maxima.begin(), closed->maxima.end(),
              [](const ViewerCount& a, const ViewerCount& b) { return a.stream_id < b.stream_id; });
  }
  minute_ = now_ms / kMinuteMs;
  maxima_.clear();
  Observe(current);
  return closed;
}

void MinuteMaxima::Observe(std::span<const ViewerCount> counts) {
  for (const ViewerCount& count : counts) {
    if (count.viewers <= 0) continue;
    int64_t& max = maxima_[count.stream_id];
    max = std::max(max, count.viewers);
  }
}

int64_t MinuteMaxima::CurrentMax(const std::string& stream_id) const {
  const auto found = maxima_.find(stream_id);
  return found == maxima_.end() ? 0 : found->second;
}

nlohmann::json ViewerMinuteUpdate(const std::string& stream_id, int64_t minute, int64_t viewers,
                                  int64_t now_ms) {
  const nlohmann::json now = {{"$date", {{"$numberLong", std::to_string(now_ms)}}}};
  const std::string slot = "minutes." + std::to_string(minute % kViewerMinutes);
  return {{"$max", {{"peakViewers", viewers}}},
          {"$set", {{slot, {{"t", minute}, {"v", viewers}}}, {"updatedAt", now}}},
          {"$setOnInsert", {{"streamId", stream_id}, {"firstSeen", now}}}};
}

Result<nlohmann::json> ViewerHistoryBody(const std::optional<nlohmann::json>& document,
                                         int64_t now_ms, int64_t viewers, int64_t current_max) {
  const int64_t now_minute = now_ms / kMinuteMs;
  const int64_t first_minute = now_minute - kViewerMinutes + 1;
  std::vector<int64_t> per_minute(kViewerMinutes, 0);
  int64_t peak = std::max(viewers, current_max);
  if (document) {
    if (const auto stored = document->find("peakViewers"); stored != document->end()) {
      Result<int64_t> parsed = WholeNumber(*stored, "peakViewers");
      if (!parsed.ok()) return parsed.status();
      peak = std::max(peak, *parsed);
    }
    if (const auto minutes = document->find("minutes");
        minutes != document->end() && minutes->is_object()) {
      for (const auto& [slot, point] : minutes->items()) {
        if (!point.is_object() || !point.contains("t") || !point.contains("v")) {
          return Status::Error("viewers.minutes." + slot + " must be {t, v}");
        }
        Result<int64_t> t = WholeNumber(point["t"], "viewers.minutes." + slot + ".t");
        if (!t.ok()) return t.status();
        Result<int64_t> v = WholeNumber(point["v"], "viewers.minutes." + slot + ".v");
        if (!v.ok()) return v.status();
        if (*t < first_minute || *t >= now_minute) continue;  // outside the hour, or current
        per_minute[static_cast<size_t>(*t - first_minute)] = *v;
      }
    }
  }
  per_minute.back() = std::max(current_max, viewers);
  nlohmann::json points = nlohmann::json::array();
  for (int64_t i = 0; i < kViewerMinutes; ++i) {
    points.push_back(
        {{"t", (first_minute + i) * kMinuteMs}, {"viewers", per_minute[static_cast<size_t>(i)]}});
  }
  return nlohmann::json{{"viewers", viewers}, {"peakViewers", peak}, {"viewersPerMinute", points}};
}

}  // namespace la
