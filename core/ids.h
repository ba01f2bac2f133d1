// The ids every topic handles: stream, event and user ids, their limits and their rules
// (docs/data.md). Shared by the Kafka event parser, the HTTP body parser, token
// verification, the viewer counts and la-admin mint-token, so all say the same. Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/status.h"

namespace la {

// Limits of the contract (docs/data.md).
inline constexpr size_t kMaxStreamIdLength = 128;
inline constexpr size_t kMaxEventIdLength = 64;
inline constexpr size_t kMaxUserIdLength = 128;

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
Status CheckStreamId(std::string_view id);
Status CheckEventId(std::string_view id);
Status CheckUserId(std::string_view id);

}  // namespace la
