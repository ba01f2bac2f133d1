// The "Like" event: the one message type that flows from the api nodes through
// Kafka to the consumers. Its JSON shape is the seed's:
//   {"eventId":"…","type":"LIKE","streamId":"…","userId":"…","timeStamp":1700000000000}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ids.h"  // the rules of its ids
#include "core/status.h"

namespace la {

struct LikeEvent {
  std::string event_id;      // client idempotency key or a generated UUID
  std::string stream_id;     // Kafka key; the stream that was liked
  std::string user_id;       // the JWT's `id` claim
  int64_t timestamp_ms = 0;  // ms since the Unix epoch, set by the api node
};

// A Kafka message larger than this cannot be a valid event and goes to the DLQ.
inline constexpr size_t kMaxEventBytes = 1024;

// Serialises `event` to the seed's JSON shape (type is always "LIKE").
std::string EncodeLikeEvent(const LikeEvent& event);

// Parses and validates a Kafka message value. On failure the status message is a
// human-readable reason suitable for the DLQ `error` header, e.g.
// "streamId must be 1-128 characters of [A-Za-z0-9_.:-], got \"a b\"".
Result<LikeEvent> ParseLikeEvent(std::string_view bytes);

}  // namespace la
