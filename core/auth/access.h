// Who may do what (docs/http-api.md), the one authorization path of HTTP routes and
// Socket.IO namespaces alike: Authenticate turns a token into an Identity (user id,
// role, expiry) through the caching verifier, and Permit says whether that identity may
// take an action. A refusal is either unauthenticated (HTTP 401, Socket.IO "Invalid
// token") or forbidden (HTTP 403, Socket.IO "Unauthorized").
// Thread-safe (JwtVerifier is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/auth/jwt_verifier.h"
#include "core/auth/role.h"

namespace la {

// What a client asks to do, one per protected route or namespace.
enum class Action {
  kLike,            // POST /engagement/like: viewers and admins
  kReadStreams,     // GET /streams, GET /streams/{streamId}: admins
  kWatchDashboard,  // Socket.IO namespace "/": admins
  kWatchStream,     // Socket.IO namespace "/live": viewers and admins
};

// A verified token's holder.
struct Identity {
  std::string user_id;  // the token's `id`; a like event's userId
  Role role = Role::kViewer;
  int64_t expires_at_s = 0;  // the token's `exp`, seconds since the epoch
};

struct AccessRefusal {
  enum class Kind {
    kUnauthenticated,  // no token, or a malformed, wrongly signed or expired one
    kForbidden,        // a valid token whose role may not do this
  };
  Kind kind = Kind::kUnauthenticated;
  std::string reason;  // for humans: what was wrong (never the token itself)
};

// The identity behind `token` at `now_s` (seconds since the epoch). A valid token whose
// role is neither viewer nor admin (a hand-edited account) is forbidden, not
// unauthenticated: its signature is fine, it may just do nothing.
std::variant<Identity, AccessRefusal> Authenticate(JwtVerifier& tokens, std::string_view token,
                                                   int64_t now_s);

// nullopt when `identity` may take `action`, else the kForbidden refusal naming both.
std::optional<AccessRefusal> Permit(const Identity& identity, Action action);

}  // namespace la
