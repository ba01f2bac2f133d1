// The stream reader on MongoDB `streams`, `viewers` and `partitionTotals`
// (api/stream_reader.h). Blocking calls;
// thread-safe (MongoClient is).
#pragma once

#include "adapters/mongo_client.h"
#include "api/stream_reader.h"

namespace la {

class MongoStreamReader final : public StreamReader {
 public:
  // `mongo` must outlive the reader.
  explicit MongoStreamReader(MongoClient& mongo) : mongo_(mongo) {}

  Result<std::vector<StreamTotal>> TopStreams(size_t limit) override;
  Result<int64_t> StreamLikes(const std::string& stream_id) override;
  Result<std::optional<nlohmann::json>> StreamDocument(const std::string& stream_id) override;
  Result<std::optional<nlohmann::json>> ViewerDocument(const std::string& stream_id) override;
  Result<std::vector<PartitionTotal>> PartitionTotals() override;

 private:
  MongoClient& mongo_;
};

}  // namespace la
