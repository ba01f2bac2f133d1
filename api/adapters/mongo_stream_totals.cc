#include "api/adapters/mongo_stream_totals.h"

#include <spdlog/spdlog.h>

#include "core/counting/stream_document.h"
#include "core/realtime/stream_updates.h"

namespace la {

Result<std::vector<StreamTotal>> ReadTopStreams(MongoClient& mongo, size_t limit) {
  // One sort key only: nlohmann::json orders object keys alphabetically, so a second key
  // would come first.
  const nlohmann::json options = {{"sort", {{"likes", -1}}},
                                  {"limit", limit},
                                  {"projection", {{"_id", 0}, {"streamId", 1}, {"likes", 1}}}};
  Result<std::vector<nlohmann::json>> documents =
      mongo.Find(kStreamsCollection, nlohmann::json::object(), options);
  if (!documents.ok()) return documents.status();
  std::vector<StreamTotal> totals;
  totals.reserve(documents->size());
  for (const nlohmann::json& document : *documents) {
    Result<StreamTotal> total = ParseStreamTotal(document);
    if (!total.ok()) {
      spdlog::warn("snapshot: skipping a streams document: {}", total.status().message());
      continue;
    }
    totals.push_back(std::move(*total));
  }
  return totals;
}

Result<int64_t> ReadStreamLikes(MongoClient& mongo, const std::string& stream_id) {
  const nlohmann::json options = {{"limit", 1},
                                  {"projection", {{"_id", 0}, {"streamId", 1}, {"likes", 1}}}};
  Result<std::vector<nlohmann::json>> documents =
      mongo.Find(kStreamsCollection, {{"_id", stream_id}}, options);
  if (!documents.ok()) return documents.status();
  if (documents->empty()) return int64_t{0};
  Result<StreamTotal> total = ParseStreamTotal(documents->front());
  if (!total.ok()) return Status::Error("stream " + stream_id + ": " + total.status().message());
  return total->likes;
}

}  // namespace la
