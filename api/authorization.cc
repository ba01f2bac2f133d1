#include "api/authorization.h"

#include <chrono>

namespace la {

std::variant<JwtClaims, http::Response> Authorize(const http::Request& request, JwtVerifier& tokens,
                                                  std::initializer_list<std::string_view> allowed_roles) {
  auto header = request.find(http::beast_http::field::authorization);
  Result<std::string> token = BearerToken(header == request.end() ? std::string_view() : header->value());
  if (!token.ok()) return http::ErrorResponse(http::Status::unauthorized, token.status().message());
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  Result<JwtClaims> claims = tokens.Verify(*token, now);
  if (!claims.ok()) return http::ErrorResponse(http::Status::unauthorized, claims.status().message());
  for (std::string_view role : allowed_roles) {
    if (claims->role == role) return *claims;
  }
  std::string allowed;
  for (std::string_view role : allowed_roles) allowed += (allowed.empty() ? "" : " or ") + std::string(role);
  return http::ErrorResponse(http::Status::forbidden,
                             "this route needs role " + allowed + "; the token has role \"" + claims->role + "\"");
}

}  // namespace la
