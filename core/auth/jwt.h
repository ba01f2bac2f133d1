// JSON Web Tokens signed with HS256 (HMAC-SHA256), the only algorithm this
// system accepts (docs/http-api.md). Tokens are minted at login and checked on every
// protected HTTP request and Socket.IO handshake.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace la {

// The claims every token carries; all of them are required when verifying.
struct JwtClaims {
  std::string id;    // the user's id; becomes the like event's userId (IsValidUserId)
  std::string role;  // "viewer" or "admin"
  std::string jti;   // unique token id
  int64_t iat = 0;   // issued at, seconds since the Unix epoch
  int64_t exp = 0;   // expires at, seconds since the Unix epoch
};

// Returns the compact token "header.payload.signature" with the header
// {"alg":"HS256","typ":"JWT"} and the claims in the order id, role, jti, iat, exp.
std::string SignJwt(const JwtClaims& claims, std::string_view secret);

// Checks `token` against `secret` at time `now_s` (seconds since the epoch) and
// returns its claims. The algorithm is pinned to HS256 whatever the header says,
// so "none", HS512, RS256 or a missing alg are rejected before any signature
// work. An `id` that is not a valid user id (core/counting/like_event.h: no ':')
// is refused too. Fails with a message for humans, e.g. "token expired at
// 1700000000"; the message never contains the token itself.
Result<JwtClaims> VerifyJwt(std::string_view token, std::string_view secret, int64_t now_s);

// Extracts the token from an Authorization header value "Bearer <token>" (the
// scheme name is case-insensitive). Fails on an empty header, another scheme,
// or an empty token.
Result<std::string> BearerToken(std::string_view authorization_header);

}  // namespace la
