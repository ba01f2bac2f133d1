#include "api/adapters/mongo_stream_reader.h"

#include "api/adapters/mongo_stream_totals.h"
#include "core/counting/stream_document.h"

namespace la {

Result<std::vector<StreamTotal>> MongoStreamReader::TopStreams(size_t limit) {
  return ReadTopStreams(mongo_, limit);
}

Result<int64_t> MongoStreamReader::StreamLikes(const std::string& stream_id) {
  return ReadStreamLikes(mongo_, stream_id);
}

Result<std::optional<nlohmann::json>> MongoStreamReader::StreamDocument(
    const std::string& stream_id) {
  Result<std::vector<nlohmann::json>> documents =
      mongo_.Find(kStreamsCollection, {{"_id", stream_id}}, {{"limit", 1}});
  if (!documents.ok()) return documents.status();
  if (documents->empty()) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(std::move(documents->front()));
}

}  // namespace la
