// What the api node reads about streams (MongoDB `streams`: {_id: streamId, streamId,
// likes, wm, updatedAt, perMinute, perHour}): totals for GET /streams?top=N, dashboard
// snapshots and subscribe acks, and a stream's whole document for GET /streams/{id}.
// Blocking calls: run them on the read pool, never on an I/O thread. Implemented over
// libmongoc in api/adapters/mongo_stream_reader.h. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/counting/partition_totals.h"
#include "core/counting/stream_total.h"
#include "core/status.h"

namespace la {

class StreamReader {
 public:
  virtual ~StreamReader() = default;

  // The `limit` most liked streams, most liked first; documents that do not hold a valid
  // {streamId, likes} are left out.
  virtual Result<std::vector<StreamTotal>> TopStreams(size_t limit) = 0;
  // The total of one stream; 0 if it has none yet.
  virtual Result<int64_t> StreamLikes(const std::string& stream_id) = 0;
  // The stored document of one stream, or nullopt if it has no likes yet.
  virtual Result<std::optional<nlohmann::json>> StreamDocument(const std::string& stream_id) = 0;
  // The stored viewers-over-time document of one stream (collection `viewers`,
  // core/viewers/viewer_history.h), or nullopt if it was never watched.
  virtual Result<std::optional<nlohmann::json>> ViewerDocument(const std::string& stream_id) = 0;
  // Every per-partition summary (collection `partitionTotals`,
  // core/counting/partition_totals.h): their sums are the cluster's totals.
  virtual Result<std::vector<PartitionTotal>> PartitionTotals() = 0;
};

}  // namespace la
