// Roles and the one authorization path (core/role.h, core/access.h) that HTTP routes
// and Socket.IO namespaces share.
#include "core/auth/access.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;

const std::string kSecret = "access-test-secret-0123456789abcdef-0123";
constexpr int64_t kNow = 1700000100;

std::string Token(const std::string& role, int64_t exp = kNow + 3600,
                  const std::string& secret = kSecret) {
  return SignJwt({"user-7", role, "jti-1", kNow - 10, exp}, secret);
}

TEST(RoleTest, NamesParseBackToTheirRole) {
  for (Role role : {Role::kViewer, Role::kAdmin}) {
    Result<Role> parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.ok()) << RoleName(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_NE(RoleName(Role::kViewer), RoleName(Role::kAdmin));
}

TEST(RoleTest, AnUnknownNameIsAnErrorNamingItAndTheValidNames) {
  for (std::string_view name : {"", "guest", "Admin", "admin "}) {
    Result<Role> parsed = ParseRole(name);
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_THAT(parsed.status().message(), HasSubstr("\"" + std::string(name) + "\""));
    EXPECT_THAT(parsed.status().message(), HasSubstr(RoleNames()));
  }
}

TEST(AuthenticateTest, AValidTokenGivesItsHoldersIdRoleAndExpiry) {
  JwtVerifier tokens(kSecret);
  auto identity = Authenticate(tokens, Token("admin", kNow + 60), kNow);
  ASSERT_TRUE(std::holds_alternative<Identity>(identity));
  EXPECT_EQ(std::get<Identity>(identity).user_id, "user-7");
  EXPECT_EQ(std::get<Identity>(identity).role, Role::kAdmin);
  EXPECT_EQ(std::get<Identity>(identity).expires_at_s, kNow + 60);
}

TEST(AuthenticateTest, ABadTokenIsUnauthenticatedAndSaysWhy) {
  JwtVerifier tokens(kSecret);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Token("viewer", kNow - 1), "expired"},
      {Token("viewer", kNow + 60, "another-secret-of-sufficient-length-0000"), ""},
      {"garbage", ""},
      {"", ""},
  };
  for (const auto& [token, why] : cases) {
    auto identity = Authenticate(tokens, token, kNow);
    ASSERT_TRUE(std::holds_alternative<AccessRefusal>(identity)) << token;
    EXPECT_EQ(std::get<AccessRefusal>(identity).kind, AccessRefusal::Kind::kUnauthenticated);
    EXPECT_THAT(std::get<AccessRefusal>(identity).reason, HasSubstr(why));
  }
}

// Its signature is fine, so it is not a 401; but it may do nothing.
TEST(AuthenticateTest, AValidTokenWithAnUnknownRoleIsForbidden) {
  JwtVerifier tokens(kSecret);
  auto identity = Authenticate(tokens, Token("guest"), kNow);
  ASSERT_TRUE(std::holds_alternative<AccessRefusal>(identity));
  EXPECT_EQ(std::get<AccessRefusal>(identity).kind, AccessRefusal::Kind::kForbidden);
  EXPECT_THAT(std::get<AccessRefusal>(identity).reason, HasSubstr("\"guest\""));
}

TEST(PermitTest, ViewersLikeAndWatchStreamsAdminsMayDoEverything) {
  struct Case {
    Action action;
    bool viewer_may;
  };
  for (const Case& c : {Case{Action::kLike, true}, Case{Action::kWatchStream, true},
                        Case{Action::kReadStreams, false}, Case{Action::kWatchDashboard, false}}) {
    EXPECT_FALSE(Permit(Identity{"admin-1", Role::kAdmin, kNow}, c.action).has_value());
    std::optional<AccessRefusal> viewer =
        Permit(Identity{"viewer-1", Role::kViewer, kNow}, c.action);
    EXPECT_EQ(!viewer.has_value(), c.viewer_may);
    if (viewer) {
      EXPECT_EQ(viewer->kind, AccessRefusal::Kind::kForbidden);
      EXPECT_THAT(viewer->reason, HasSubstr("viewer-1 has role \"viewer\""));
      EXPECT_THAT(viewer->reason, HasSubstr("needs role \"admin\""));
    }
  }
}

}  // namespace
}  // namespace la
