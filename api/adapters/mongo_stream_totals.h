// Reads like totals from MongoDB's `streams` collection ({_id: streamId, streamId,
// likes, wm, updatedAt}), for dashboard snapshots and subscribe acks. Blocking calls:
// run them on the blocking pool, never on an I/O thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/mongo_client.h"
#include "core/counting/stream_total.h"
#include "core/status.h"

namespace la {

// The `limit` most liked streams, most liked first. Documents that do not hold a valid
// {streamId, likes} are left out (and logged).
Result<std::vector<StreamTotal>> ReadTopStreams(MongoClient& mongo, size_t limit);

// The total of one stream; 0 if it has none yet.
Result<int64_t> ReadStreamLikes(MongoClient& mongo, const std::string& stream_id);

}  // namespace la
