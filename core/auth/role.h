// The roles an account and its tokens carry (docs/http-api.md): a viewer likes and watches
// one stream's counter; an admin may also read totals and watch the dashboard (what each
// role may do is core/access.h). This file and role.cc are the only places their names
// are spelled. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace la {

enum class Role { kViewer, kAdmin };

// "viewer" or "admin": the name in tokens, in `users` documents and on command lines.
std::string_view RoleName(Role role);

// The role spelled exactly `name`; an error naming `name` and the valid names otherwise.
Result<Role> ParseRole(std::string_view name);

// "viewer or admin": the valid names, for messages.
std::string RoleNames();

}  // namespace la
