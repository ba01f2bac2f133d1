// The api node's per-client rate limits (settings in core/config.h, "abuse resistance"):
// logins and registrations per client address, likes per user. Refusals are 429 with
// Retry-After and the contract's error body {"message": ...}. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "core/config.h"
#include "core/rate_limiter.h"
#include "http/message.h"

namespace la {

struct ApiRateLimits {
  explicit ApiRateLimits(const Config& config);

  KeyedRateLimiter login;         // by client address
  KeyedRateLimiter registration;  // by client address
  KeyedRateLimiter like;          // by user id
};

// nullopt if `key` may go on; else the 429 to send, saying what was limited and when to
// come back (Retry-After in whole seconds, at least 1).
std::optional<http::Response> RateLimited(KeyedRateLimiter& limiter, std::string_view key,
                                          std::string_view what);

}  // namespace la
