// Who may join the api node's Socket.IO namespaces (DESIGN.md §1). The CONNECT auth
// payload must be {"token": "<JWT>"} with a valid HS256 token; namespace "/" (the admin
// dashboard) also needs role "admin". Refused clients get the seed's messages in their
// connect_error: "Invalid token" for a missing, malformed, expired or wrongly signed
// token, "Unauthorized" for a valid token whose role may not join.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "core/jwt.h"

namespace la {

inline constexpr std::string_view kInvalidTokenMessage = "Invalid token";
inline constexpr std::string_view kUnauthorizedMessage = "Unauthorized";

// Why a socket was refused: `message` goes to the client, `reason` to the logs.
struct SocketRefusal {
  std::string message;
  std::string reason;
};

// The claims of the token in `auth` if they admit the socket at time `now_s` (seconds
// since the epoch), else the refusal. `admin_only` is true for namespace "/".
std::variant<JwtClaims, SocketRefusal> AdmitSocket(const nlohmann::json& auth,
                                                   std::string_view secret, int64_t now_s,
                                                   bool admin_only);

}  // namespace la
