// The counting rule of one flush: which likes are added to which stream
// document, and the watermarks that make applying them idempotent
// (docs/exactly-once.md, step 3).
//
// A stream document records, per Kafka partition, the highest offset already
// reflected in its `likes` (`wm.<partition>`). A flush adds only the counted
// events above that watermark and moves the watermark in the same
// single-document update, conditional on the state it read. Replaying a batch,
// or the rest of a partially applied one, therefore adds every like once.
//
// A stream normally lives on one partition (Kafka key = streamId), but events of
// one stream from several partitions are merged into one update of its document
// that moves every touched watermark and adds the sum, so one atomic write keeps
// `likes` and all its watermarks consistent.
//
// The same update also adds the counted likes to the stream's per-minute and
// per-hour buckets and drops the buckets that left their window
// (core/like_history.h), so the history is exactly-once for the same reason.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/counting/dedup_decision.h"
#include "core/counting/like_history.h"
#include "core/counting/stream_total.h"

namespace la {

// A valid like event of the flush, with its Kafka position and dedup decision.
struct ClassifiedEvent {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string stream_id;
  DedupDecision decision = DedupDecision::kCount;
  int64_t timestamp_ms = 0;  // the event's timeStamp: its history bucket
};

// A Kafka position: partition and offset.
struct LikePosition {
  int32_t partition = 0;
  int64_t offset = 0;

  auto operator<=>(const LikePosition&) const = default;
};

// What the store holds for one stream document.
struct StreamState {
  int64_t likes = 0;
  std::map<int32_t, int64_t> watermarks;  // partition -> wm.<partition>
  HistoryBuckets history;                 // bucket indexes of `minutes` and `hours`
  // `firstLike`: the position of the event that took `likes` from 0 to 1 (absent in
  // documents written before it was kept). It tells the partition summaries
  // (core/counting/partition_totals.h) in which flush a stream started to count.
  std::optional<LikePosition> first_like;
};

// Stream states keyed by streamId; a stream without a document is absent.
using StreamStates = std::map<std::string, StreamState>;

// Moves wm.<partition> of one document from `expected` to `next`.
struct WatermarkAdvance {
  int32_t partition = 0;
  std::optional<int64_t> expected;  // as read; nullopt: the field was absent
  int64_t next = 0;

  bool operator==(const WatermarkAdvance&) const = default;
};

// A compare-and-set update of one stream document. It applies only if the
// document still holds what was read: it exists (or not, see
// `document_exists`), `likes == expected_likes`, and every wm.<partition> of
// `advances` equals its `expected` value (or is absent). Because `likes` is
// part of the condition, `new_likes` is the exact total after the update.
struct StreamUpdate {
  std::string stream_id;
  bool document_exists = false;            // false: create the document; fails if it exists by then
  int64_t expected_likes = 0;              // 0 for a new document
  std::vector<WatermarkAdvance> advances;  // sorted by partition, never empty
  int64_t likes_to_add = 0;                // may be 0 when only duplicates moved a watermark
  int64_t new_likes = 0;                   // expected_likes + likes_to_add
  HistoryChange history;                   // the counted likes' buckets, expired buckets
  // Set when the update takes the stream from 0 likes to more: the lowest position
  // (partition, then offset) of the likes it adds, stored as `firstLike`.
  std::optional<LikePosition> first_like;
};

// The outcome of planning a flush.
struct FlushPlan {
  // One update per stream that has an event above its partition's watermark;
  // streams whose events are all at or below it need no write. Sorted by stream.
  std::vector<StreamUpdate> updates;
  // The total of every stream with a counted event in the flush, valid once all
  // `updates` are applied; includes streams whose likes were already applied
  // (a replay), so a replay still publishes them. Sorted by stream.
  std::vector<StreamTotal> totals;
};

// Plans the updates that apply `events` on top of `states` (which must hold
// every document that exists among the events' streams).
// An event counts when its decision is kCount and its offset is above
// wm.<partition> of its stream; each touched watermark moves to the highest
// offset of the flush's events of that stream and partition, duplicates
// included, so they are not looked at again. `now_ms` (wall clock, ms since
// epoch) places the history window.
FlushPlan PlanFlush(std::span<const ClassifiedEvent> events, const StreamStates& states,
                    int64_t now_ms);

}  // namespace la
