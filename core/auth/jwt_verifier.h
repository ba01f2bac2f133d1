// Verifies HS256 tokens like VerifyJwt, remembering the tokens it already
// verified: a client sends the same token with every request, and the HMAC and
// JSON work is then done once per token instead of once per request. Expiry is
// still checked on every call. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/auth/jwt.h"

namespace la {

class JwtVerifier {
 public:
  // Remembers at most `capacity` tokens; when full, it starts over (tokens are
  // cheap to verify again, and an attacker cannot grow it without valid tokens).
  JwtVerifier(std::string secret, size_t capacity = 10000);

  // The claims of a valid, unexpired token, or why it is not (as VerifyJwt).
  Result<JwtClaims> Verify(std::string_view token, int64_t now_s);

 private:
  const std::string secret_;
  const size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, JwtClaims> verified_;  // only valid signatures
};

}  // namespace la
