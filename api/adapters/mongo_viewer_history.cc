#include "api/adapters/mongo_viewer_history.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace la {

void WriteViewerMinute(MongoClient& mongo, const MinuteOfViewers& minute) {
  constexpr size_t kUpdatesPerCommand = 500;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (size_t first = 0; first < minute.maxima.size(); first += kUpdatesPerCommand) {
    const size_t end = std::min(minute.maxima.size(), first + kUpdatesPerCommand);
    std::vector<MongoUpdate> updates;
    for (size_t i = first; i < end; ++i) {
      const ViewerCount& count = minute.maxima[i];
      updates.push_back({{{"_id", count.stream_id}},
                         ViewerMinuteUpdate(count.stream_id, minute.minute, count.viewers, now_ms),
                         true});
    }
    Result<MongoBulkResult> written = mongo.BulkUpdate(kViewersCollection, updates);
    if (!written.ok() || !written->write_errors.empty()) {
      spdlog::error(
          "viewers: writing minute {} ({} streams) failed: {}", minute.minute, minute.maxima.size(),
          written.ok() ? written->write_errors.front().message : written.status().message());
      return;
    }
  }
}

}  // namespace la
