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
#include "core/counting/stream_document.h"

namespace la {

class MongoCounterStore final : public CounterStore {
 public:
  // Statements per update command. The local FerretDB (patched, see
  // scripts/ferretdb/) writes one command's documents in one transaction, so
  // large commands are cheap there; MongoDB takes up to 100,000.
  static constexpr size_t kUpdatesPerCommand = 500;
  // Stream ids per `$in` read: FerretDB matches `$in` by a linear search per
  // document, so one read of n ids costs n^2; in slices it stays linear.
  static constexpr size_t kIdsPerRead = 250;

  // `mongo` (already bound to the database) must outlive the store.
  explicit MongoCounterStore(MongoClient& mongo);

  // The first Read that reaches the server also creates the index on `likes`
  // (descending) that the dashboards' top-streams snapshot sorts by.
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
  bool likes_index_created_ = false;
};

}  // namespace la
