#include "api/adapters/mongo_stream_reader.h"

#include "api/adapters/mongo_stream_totals.h"
#include "core/counting/stream_document.h"
#include "core/viewers/viewer_history.h"

namespace la {

Result<std::vector<StreamTotal>> MongoStreamReader::TopStreams(size_t limit) {
  return ReadTopStreams(mongo_, limit);
}

Result<int64_t> MongoStreamReader::StreamLikes(const std::string& stream_id) {
  return ReadStreamLikes(mongo_, stream_id);
}

namespace {

Result<std::optional<nlohmann::json>> ReadById(MongoClient& mongo, const char* collection,
                                               const std::string& id) {
  Result<std::vector<nlohmann::json>> documents =
      mongo.Find(collection, {{"_id", id}}, {{"limit", 1}});
  if (!documents.ok()) return documents.status();
  if (documents->empty()) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(std::move(documents->front()));
}

}  // namespace

Result<std::optional<nlohmann::json>> MongoStreamReader::StreamDocument(
    const std::string& stream_id) {
  return ReadById(mongo_, kStreamsCollection, stream_id);
}

Result<std::optional<nlohmann::json>> MongoStreamReader::ViewerDocument(
    const std::string& stream_id) {
  return ReadById(mongo_, kViewersCollection, stream_id);
}

Result<std::vector<PartitionTotal>> MongoStreamReader::PartitionTotals() {
  Result<std::vector<nlohmann::json>> documents =
      mongo_.Find(kPartitionTotalsCollection, nlohmann::json::object(), nlohmann::json::object());
  if (!documents.ok()) return documents.status();
  std::vector<PartitionTotal> totals;
  for (const nlohmann::json& document : *documents) {
    Result<PartitionTotal> total = ParsePartitionTotal(document);
    if (!total.ok())
      return Status::Error("a partitionTotals document: " + total.status().message());
    totals.push_back(*total);
  }
  return totals;
}

}  // namespace la
