// Bearer-token checks of the protected HTTP routes, through the one authorization path
// (core/access.h): 401 for a missing or bad token, 403 for a valid token whose role may
// not take the route's action. Thread-safe.
#pragma once

#include <cstdint>
#include <variant>

#include "core/auth/access.h"
#include "http/message.h"

namespace la {

// The identity behind the request's "Authorization: Bearer" token if it may take
// `action` at `now_s` (seconds since the epoch), or the error response to send instead.
std::variant<Identity, http::Response> Authorize(const http::Request& request, JwtVerifier& tokens,
                                                 Action action, int64_t now_s);

// The same at the system clock's current time.
std::variant<Identity, http::Response> Authorize(const http::Request& request, JwtVerifier& tokens,
                                                 Action action);

}  // namespace la
