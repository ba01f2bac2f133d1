// The counter store in MongoDB: collection `streams`, one document per stream,
// {_id: streamId, streamId, likes, wm: {"<partition>": offset}, updatedAt,
//  minutes: {"<minute index>": likes}, hours: {"<hour index>": likes}},
// updated only by compare-and-set (see counter_store.h); the history buckets
// (core/like_history.h) change in that same update.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "adapters/mongo_client.h"
#include "consumer/counter_store.h"

namespace la {

class MongoCounterStore final : public CounterStore {
 public:
  static constexpr const char* kCollection = "streams";
  // FerretDB 1.24 (SQLite) holds one connection per statement of an update
  // command until the command ends, out of 100 per database: a command of
  // about 100 statements waits for itself forever. Keeping commands small
  // (and below that even with several consumers writing) avoids it.
  static constexpr size_t kUpdatesPerCommand = 25;

  // `mongo` (already bound to the database) must outlive the store.
  explicit MongoCounterStore(MongoClient& mongo);

  Result<StreamStates> Read(std::span<const std::string> stream_ids) override;

  // New documents go in one bulk insert, existing ones in bulk updates of at
  // most kUpdatesPerCommand statements. When the server reports fewer
  // documents written than sent (a compare-and-set missed, a duplicate key, or
  // FerretDB stopping at the first error), the touched documents are read
  // again: an update counts as applied exactly when its document now holds the
  // state it was to produce (`new_likes` and every `next` watermark), which
  // also covers an update that had been applied by an earlier attempt.
  Result<std::vector<UpdateOutcome>> Apply(std::span<const StreamUpdate> updates) override;

 private:
  // Outcomes derived from the documents as they are now.
  Result<std::vector<UpdateOutcome>> OutcomesFromCurrentState(
      std::span<const StreamUpdate> updates);

  MongoClient& mongo_;
};

}  // namespace la
