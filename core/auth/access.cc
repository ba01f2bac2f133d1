#include "core/auth/access.h"

namespace la {
namespace {

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kLike:
      return "liking a stream";
    case Action::kReadStreams:
      return "reading stream totals";
    case Action::kWatchDashboard:
      return "the dashboard namespace \"/\"";
    case Action::kWatchStream:
      return "the live namespace \"/live\"";
  }
  return {};  // unreachable: every enumerator is handled above
}

bool AdminsOnly(Action action) {
  return action == Action::kReadStreams || action == Action::kWatchDashboard;
}

}  // namespace

std::variant<Identity, AccessRefusal> Authenticate(JwtVerifier& tokens, std::string_view token,
                                                   int64_t now_s) {
  Result<JwtClaims> claims = tokens.Verify(token, now_s);
  if (!claims.ok()) {
    return AccessRefusal{AccessRefusal::Kind::kUnauthenticated, claims.status().message()};
  }
  Result<Role> role = ParseRole(claims->role);
  if (!role.ok()) {
    return AccessRefusal{AccessRefusal::Kind::kForbidden,
                         "user " + claims->id + " has a token with " + role.status().message()};
  }
  return Identity{claims->id, *role, claims->exp};
}

std::optional<AccessRefusal> Permit(const Identity& identity, Action action) {
  if (!AdminsOnly(action) || identity.role == Role::kAdmin) return std::nullopt;
  return AccessRefusal{AccessRefusal::Kind::kForbidden,
                       std::string(ActionName(action)) + " needs role \"" +
                           std::string(RoleName(Role::kAdmin)) + "\"; user " + identity.user_id +
                           " has role \"" + std::string(RoleName(identity.role)) + "\""};
}

}  // namespace la
