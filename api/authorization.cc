#include "api/authorization.h"

#include <chrono>

namespace la {

std::variant<Identity, http::Response> Authorize(const http::Request& request, JwtVerifier& tokens,
                                                 Action action, int64_t now_s) {
  auto header = request.find(http::beast_http::field::authorization);
  Result<std::string> token =
      BearerToken(header == request.end() ? std::string_view() : header->value());
  if (!token.ok()) return http::ErrorResponse(http::Status::unauthorized, token.status().message());
  auto identity = Authenticate(tokens, *token, now_s);
  std::optional<AccessRefusal> refusal;
  if (auto* refused = std::get_if<AccessRefusal>(&identity)) {
    refusal = std::move(*refused);
  } else {
    refusal = Permit(std::get<Identity>(identity), action);
  }
  if (!refusal) return std::get<Identity>(std::move(identity));
  return http::ErrorResponse(refusal->kind == AccessRefusal::Kind::kUnauthenticated
                                 ? http::Status::unauthorized
                                 : http::Status::forbidden,
                             refusal->reason);
}

std::variant<Identity, http::Response> Authorize(const http::Request& request, JwtVerifier& tokens,
                                                 Action action) {
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  return Authorize(request, tokens, action, now_s);
}

}  // namespace la
