// Where the like counters live: MongoDB collection `streams`, one document per
// stream, {_id: streamId, streamId, likes, wm: {"<partition>": offset}, updatedAt}.
// `wm` makes applying a flush idempotent; see core/flush_plan.h.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/counting/flush_plan.h"
#include "core/status.h"

namespace la {

// What became of one conditional update.
enum class UpdateOutcome {
  kApplied,       // the document held the expected state and was updated
  kStateChanged,  // it did not (someone else wrote it): nothing was changed
};

class CounterStore {
 public:
  virtual ~CounterStore() = default;

  // Reads `likes`, `wm` and the history bucket indexes of the given streams in one round trip
  // (`find({_id: {$in: stream_ids}})`). Streams without a document are absent
  // from the result.
  virtual Result<StreamStates> Read(std::span<const std::string> stream_ids) = 0;

  // Applies `updates` in one bulk round trip, each one a compare-and-set on the
  // state that was read, and returns their outcomes in the same order:
  //  - document_exists: updateOne({_id, likes: expected_likes,
  //      "wm.<p>": expected (or {$exists: false}) for each advance},
  //      {$inc: {likes: likes_to_add, "minutes.<m>": n, "hours.<h>": n, ...},
  //       $set: {"wm.<p>": next, ..., updatedAt: now},
  //       $unset: {"minutes.<expired m>": "", "hours.<expired h>": "", ...}})
  //  - otherwise: insertOne({_id, streamId, likes: new_likes,
  //      wm: {"<p>": next, ...}, minutes: {...}, hours: {...}, updatedAt: now});
  //      a duplicate-key error means
  //      someone created it first: kStateChanged.
  // An update that matched nothing is kStateChanged, not an error. An error
  // means the outcomes are unknown (some updates may have been applied); the
  // caller re-reads, and the watermarks keep the retry from applying twice.
  virtual Result<std::vector<UpdateOutcome>> Apply(std::span<const StreamUpdate> updates) = 0;
};

}  // namespace la
