// Writes a finished minute of viewer maxima to MongoDB collection `viewers`
// (core/viewers/viewer_history.h): one upsert per stream, in bulk commands. Blocking: run
// it on the read pool. Failures are logged, not retried: the minute is lost to the chart,
// the peak is written again by any later minute that reaches it.
#pragma once

#include "adapters/mongo_client.h"
#include "core/viewers/viewer_history.h"

namespace la {

void WriteViewerMinute(MongoClient& mongo, const MinuteOfViewers& minute);

}  // namespace la
