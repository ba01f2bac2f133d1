// The api node's per-client rate limits (settings in config/api_config.h, "abuse resistance"):
// logins and registrations per client address, likes per user, and the password hashes
// one client address may have in flight (so that one address cannot occupy every thread
// of the password pool). Refusals are 429 with Retry-After and the contract's error body
// {"message": ...}. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/api_config.h"
#include "core/requests/connection_caps.h"
#include "core/requests/rate_limiter.h"
#include "http/message.h"

namespace la {

struct ApiRateLimits {
  explicit ApiRateLimits(const ApiConfig& config);

  KeyedRateLimiter login;         // by client address
  KeyedRateLimiter registration;  // by client address
  KeyedRateLimiter like;          // by user id
  ConnectionCaps password_jobs;   // hashes in flight, by client address
};

// One client address's slot for a password hash, given back when destroyed.
class PasswordJobSlot {
 public:
  PasswordJobSlot(ConnectionCaps& caps, std::string address);
  ~PasswordJobSlot();
  PasswordJobSlot(const PasswordJobSlot&) = delete;
  PasswordJobSlot& operator=(const PasswordJobSlot&) = delete;

  bool admitted() const { return admitted_; }
  // The 429 for a refused slot.
  http::Response Refusal() const;

 private:
  ConnectionCaps& caps_;
  const std::string address_;
  const bool admitted_;
};

// nullopt if `key` may go on; else the 429 to send, saying what was limited and when to
// come back (Retry-After in whole seconds, at least 1).
std::optional<http::Response> RateLimited(KeyedRateLimiter& limiter, std::string_view key,
                                          std::string_view what);

}  // namespace la
