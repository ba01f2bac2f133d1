// Bearer-token checks shared by the protected routes: 401 for a missing or bad
// token, 403 for a valid token whose role the route does not allow.
#pragma once

#include <initializer_list>
#include <string_view>
#include <variant>

#include "core/jwt_verifier.h"
#include "http/message.h"

namespace la {

// The token's claims, or the error response to send instead.
std::variant<JwtClaims, http::Response> Authorize(const http::Request& request, JwtVerifier& tokens,
                                                  std::initializer_list<std::string_view> allowed_roles);

}  // namespace la
