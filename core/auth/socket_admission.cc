#include "core/auth/socket_admission.h"

namespace la {
namespace {

SocketRefusal ToSocketRefusal(const AccessRefusal& refusal) {
  return SocketRefusal{
      std::string(refusal.kind == AccessRefusal::Kind::kUnauthenticated ? kInvalidTokenMessage
                                                                        : kUnauthorizedMessage),
      refusal.reason};
}

}  // namespace

std::variant<Identity, SocketRefusal> AdmitSocket(const nlohmann::json& auth, JwtVerifier& tokens,
                                                  int64_t now_s, Action action) {
  auto token = auth.find("token");  // end() when auth is not an object
  if (token == auth.end() || !token->is_string()) {
    return SocketRefusal{std::string(kInvalidTokenMessage),
                         "the auth payload has no \"token\" string"};
  }
  auto identity = Authenticate(tokens, token->get_ref<const std::string&>(), now_s);
  if (const auto* refusal = std::get_if<AccessRefusal>(&identity)) return ToSocketRefusal(*refusal);
  if (auto refusal = Permit(std::get<Identity>(identity), action)) return ToSocketRefusal(*refusal);
  return std::get<Identity>(identity);
}

}  // namespace la
