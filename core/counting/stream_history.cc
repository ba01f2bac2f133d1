#include "core/counting/stream_history.h"

#include <charconv>
#include <map>

#include "core/counting/like_history.h"

namespace la {
namespace {

// {"<bucket index>": likes} -> index -> likes; keys that are not indexes are skipped.
std::map<int64_t, int64_t> StoredBuckets(const nlohmann::json& document, const char* field) {
  std::map<int64_t, int64_t> buckets;
  const auto found = document.find(field);
  if (found == document.end() || !found->is_object()) return buckets;
  for (const auto& [key, likes] : found->items()) {
    int64_t index = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), index);
    if (error != std::errc() || end != key.data() + key.size() || !likes.is_number()) continue;
    buckets[index] = likes.is_number_integer() ? likes.get<int64_t>()
                                               : static_cast<int64_t>(likes.get<double>());
  }
  return buckets;
}

nlohmann::json SeriesJson(const std::vector<HistoryPoint>& series) {
  nlohmann::json points = nlohmann::json::array();
  for (const HistoryPoint& point : series)
    points.push_back({{"t", point.t}, {"likes", point.likes}});
  return points;
}

// Relaxed extended JSON writes a date as {"$date": "<ISO-8601>"} (or
// {"$date": {"$numberLong": "<ms>"}} outside years 1970-9999).
nlohmann::json UpdatedAt(const nlohmann::json& document) {
  const auto found = document.find("updatedAt");
  if (found == document.end()) return nullptr;
  if (found->is_object() && found->contains("$date")) {
    const nlohmann::json& date = (*found)["$date"];
    if (date.is_string()) return date;
    if (date.is_object() && date.contains("$numberLong")) return date["$numberLong"];
  }
  return *found;
}

}  // namespace

Result<nlohmann::json> StreamHistoryBody(const nlohmann::json& document, int64_t now_ms) {
  const auto id = document.find("_id");
  const auto likes = document.find("likes");
  if (id == document.end() || !id->is_string()) {
    return Status::Error("stream document without a text _id: " + document.dump());
  }
  if (likes == document.end() || !likes->is_number()) {
    return Status::Error("stream document " + id->get<std::string>() + " has no numeric likes");
  }
  return nlohmann::json{
      {"streamId", *id},
      {"likes", likes->is_number_integer() ? likes->get<int64_t>()
                                           : static_cast<int64_t>(likes->get<double>())},
      {"updatedAt", UpdatedAt(document)},
      {"perMinute", SeriesJson(MinuteSeries(StoredBuckets(document, "minutes"), now_ms))},
      {"perHour", SeriesJson(HourSeries(StoredBuckets(document, "hours"), now_ms))}};
}

}  // namespace la
