#include "core/auth/role.h"

#include <string>

namespace la {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
  }
  return {};  // unreachable: every enumerator is handled above
}

Result<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kViewer, Role::kAdmin}) {
    if (name == RoleName(role)) return role;
  }
  return Status::Error("unknown role \"" + std::string(name) + "\"; a role is " + RoleNames());
}

std::string RoleNames() {
  return std::string(RoleName(Role::kViewer)) + " or " + std::string(RoleName(Role::kAdmin));
}

}  // namespace la
