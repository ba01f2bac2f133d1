// The "Like" event: the one message type that flows from the api nodes through
// Kafka to the consumers. Its JSON shape is the seed's:
//   {"eventId":"…","type":"LIKE","streamId":"…","userId":"…","timeStamp":1700000000000}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace la {

struct LikeEvent {
  std::string event_id;      // client idempotency key or a generated UUID
  std::string stream_id;     // Kafka key; the stream that was liked
  std::string user_id;       // the JWT's `id` claim
  int64_t timestamp_ms = 0;  // ms since the Unix epoch, set by the api node
};

// Limits of the contract (docs/data.md).
inline constexpr size_t kMaxStreamIdLength = 128;
inline constexpr size_t kMaxEventIdLength = 64;
inline constexpr size_t kMaxUserIdLength = 128;
// A Kafka message larger than this cannot be a valid event and goes to the DLQ.
inline constexpr size_t kMaxEventBytes = 1024;

// True if `id` is 1..128 characters of [A-Za-z0-9_.:-].
bool IsValidStreamId(std::string_view id);
// True if `id` is 1..64 characters of [A-Za-z0-9_.:-].
bool IsValidEventId(std::string_view id);
// True if `id` is 1..128 characters of [A-Za-z0-9_.-]. A user id never holds ':', which
// ends it in the dedup key `dedup:{userId}:{eventId}` (event ids may hold ':'), so two
// (userId, eventId) pairs never share a key. Tokens carry it in `id`.
bool IsValidUserId(std::string_view id);
// The same rules as a Status whose message names the field and quotes the bad
// value, e.g. "streamId must be 1-128 characters of [A-Za-z0-9_.:-], got \"a b\"".
// Shared by the Kafka event parser, the HTTP body parser, token verification and
// la-admin mint-token so all say the same.
Status CheckStreamId(std::string_view id);
Status CheckEventId(std::string_view id);
Status CheckUserId(std::string_view id);

// Serialises `event` to the seed's JSON shape (type is always "LIKE").
std::string EncodeLikeEvent(const LikeEvent& event);

// Parses and validates a Kafka message value. On failure the status message is a
// human-readable reason suitable for the DLQ `error` header, e.g.
// "streamId must be 1-128 characters of [A-Za-z0-9_.:-], got \"a b\"".
Result<LikeEvent> ParseLikeEvent(std::string_view bytes);

}  // namespace la
