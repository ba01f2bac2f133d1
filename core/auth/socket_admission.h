// Who may join the api node's Socket.IO namespaces (docs/socketio-api.md). The CONNECT auth
// payload must be {"token": "<JWT>"} with a valid HS256 token, authenticated and
// permitted as on HTTP routes (core/access.h): namespace "/" (the admin dashboard) is
// Action::kWatchDashboard, "/live" Action::kWatchStream. Refused clients get the seed's
// messages in their connect_error: "Invalid token" for a missing, malformed, expired or
// wrongly signed token, "Unauthorized" for a valid token whose role may not join.
// Thread-safe (JwtVerifier is).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "core/auth/access.h"

namespace la {

inline constexpr std::string_view kInvalidTokenMessage = "Invalid token";
inline constexpr std::string_view kUnauthorizedMessage = "Unauthorized";

// Why a socket was refused: `message` goes to the client, `reason` to the logs.
struct SocketRefusal {
  std::string message;
  std::string reason;
};

// The identity behind the token in `auth` if it may take `action` (join the namespace)
// at time `now_s` (seconds since the epoch), else the refusal.
std::variant<Identity, SocketRefusal> AdmitSocket(const nlohmann::json& auth, JwtVerifier& tokens,
                                                  int64_t now_s, Action action);

}  // namespace la
