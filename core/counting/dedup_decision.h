// Whether a consumed like event is counted or dropped as a duplicate, decided
// from what Redis already holds for its eventId (docs/exactly-once.md, step 2).
//
// An eventId names one like of one user on one stream. Each event claims
//   SET dedup:{userId}:{eventId} "{partition}:{offset}/{streamId}" NX GET EX <ttl>
// Redis 7 answers nil when the key was absent (the claim is now stored), or the
// value already there. Because the value holds the position of the first copy seen,
// a batch replayed after a crash finds its *own* position and is still counted,
// while a true duplicate (a retried request, produced again) finds another one.
//
// The same eventId used by the same user on another stream is another like: it is
// counted, and its own copies are deduplicated under the stream's key
//   SET dedup:{userId}:{eventId}/{streamId} "{partition}:{offset}" NX GET EX <ttl>
// claimed only when the first key names another stream (rare: one extra round trip).
// That claim also restarts the first key's time to live (EXPIRE), so the first key never
// expires before a stream key: without it, the stream's next copy would be counted again.
//
// A value without "/{streamId}" was written before the stream was recorded (an
// older consumer): its stream is unknown, and a copy at another position is a
// duplicate, as it was then.
//
// Keys never collide: user ids hold no ':' (core/counting/like_event.h) and no id
// holds '/', so the first ':' after "dedup:" ends the user id and '/' starts the stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace la {

// The dedup value of a Kafka position: "{partition}:{offset}", e.g. "3:1042".
std::string FormatPosition(int32_t partition, int64_t offset);

// `dedup:{userId}:{eventId}`, claimed with EventIdClaimValue.
std::string DedupKey(std::string_view user_id, std::string_view event_id);
// "{position}/{streamId}": where the first copy of an eventId was, and on which stream.
std::string EventIdClaimValue(std::string_view position, std::string_view stream_id);
// `dedup:{userId}:{eventId}/{streamId}`, claimed with the bare position.
std::string StreamDedupKey(std::string_view user_id, std::string_view event_id,
                           std::string_view stream_id);

enum class DedupDecision {
  kCount,      // first copy of this like (or a replay of that first copy)
  kDuplicate,  // another copy was seen first at a different position
  // The user used this eventId first on another stream: a like of its own, decided by
  // claiming StreamDedupKey (whose answer DecideDedup turns into kCount or kDuplicate).
  kClaimOnItsStream,
};

// Decides from `stored`, the value the claim found (nullopt: the key was absent and
// the claim stored its own value), for a copy at `own_position` of a like of `stream_id`.
DedupDecision DecideDedup(const std::optional<std::string>& stored, std::string_view own_position,
                          std::string_view stream_id);

}  // namespace la
