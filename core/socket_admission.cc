#include "core/socket_admission.h"

namespace la {

std::variant<JwtClaims, SocketRefusal> AdmitSocket(const nlohmann::json& auth,
                                                   std::string_view secret, int64_t now_s,
                                                   bool admin_only) {
  auto token = auth.find("token");  // end() when auth is not an object
  if (token == auth.end() || !token->is_string()) {
    return SocketRefusal{std::string(kInvalidTokenMessage),
                         "the auth payload has no \"token\" string"};
  }
  Result<JwtClaims> claims = VerifyJwt(token->get_ref<const std::string&>(), secret, now_s);
  if (!claims.ok())
    return SocketRefusal{std::string(kInvalidTokenMessage), claims.status().message()};
  if (admin_only && claims->role != "admin") {
    return SocketRefusal{std::string(kUnauthorizedMessage),
                         "user " + claims->id + " has role \"" + claims->role +
                             "\", this namespace needs \"admin\""};
  }
  return *claims;
}

}  // namespace la
