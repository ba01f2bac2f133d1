#include "core/auth/socket_admission.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kSecret = "socket-admission-test-secret-0123456789";
constexpr int64_t kNow = 1700000100;

std::string Token(const std::string& role, int64_t exp = kNow + 3600,
                  std::string_view secret = kSecret) {
  return SignJwt({"user-1", role, "jti-1", kNow - 10, exp}, secret);
}

Action NamespaceAction(bool admin_only) {
  return admin_only ? Action::kWatchDashboard : Action::kWatchStream;
}

std::variant<Identity, SocketRefusal> Admit(const nlohmann::json& auth, bool admin_only) {
  JwtVerifier tokens{std::string(kSecret)};
  return AdmitSocket(auth, tokens, kNow, NamespaceAction(admin_only));
}

// The refusal message, or "admitted".
std::string Outcome(const nlohmann::json& auth, bool admin_only) {
  auto admission = Admit(auth, admin_only);
  if (const auto* refusal = std::get_if<SocketRefusal>(&admission)) return refusal->message;
  return "admitted";
}

TEST(AdmitSocketTest, AdminsMayJoinEveryNamespace) {
  EXPECT_EQ(Outcome({{"token", Token("admin")}}, /*admin_only=*/true), "admitted");
  EXPECT_EQ(Outcome({{"token", Token("admin")}}, /*admin_only=*/false), "admitted");
}

TEST(AdmitSocketTest, ViewersMayJoinOnlyTheOpenNamespaces) {
  EXPECT_EQ(Outcome({{"token", Token("viewer")}}, /*admin_only=*/false), "admitted");
  EXPECT_EQ(Outcome({{"token", Token("viewer")}}, /*admin_only=*/true), "Unauthorized");
}

TEST(AdmitSocketTest, ReturnsTheIdentityOfAnAdmittedToken) {
  auto admission = Admit({{"token", Token("viewer", kNow + 60)}}, false);
  ASSERT_TRUE(std::holds_alternative<Identity>(admission));
  EXPECT_EQ(std::get<Identity>(admission).user_id, "user-1");
  EXPECT_EQ(std::get<Identity>(admission).role, Role::kViewer);
  EXPECT_EQ(std::get<Identity>(admission).expires_at_s, kNow + 60);
}

// As on HTTP routes (a 403 there): a token whose role is no role may join nothing.
TEST(AdmitSocketTest, AValidTokenWithAnUnknownRoleIsUnauthorizedEverywhere) {
  EXPECT_EQ(Outcome({{"token", Token("guest")}}, /*admin_only=*/false), "Unauthorized");
  EXPECT_EQ(Outcome({{"token", Token("guest")}}, /*admin_only=*/true), "Unauthorized");
}

TEST(AdmitSocketTest, AMissingOrMalformedTokenIsAnInvalidToken) {
  for (bool admin_only : {true, false}) {
    EXPECT_EQ(Outcome(nlohmann::json::object(), admin_only), "Invalid token");
    EXPECT_EQ(Outcome(nullptr, admin_only), "Invalid token");
    EXPECT_EQ(Outcome("just-a-string", admin_only), "Invalid token");
    EXPECT_EQ(Outcome({{"token", 42}}, admin_only), "Invalid token");
    EXPECT_EQ(Outcome({{"token", ""}}, admin_only), "Invalid token");
    EXPECT_EQ(Outcome({{"token", "garbage"}}, admin_only), "Invalid token");
  }
}

TEST(AdmitSocketTest, AnExpiredOrForeignTokenIsAnInvalidTokenEvenForAnAdmin) {
  EXPECT_EQ(Outcome({{"token", Token("admin", kNow - 1)}}, true), "Invalid token");
  EXPECT_EQ(
      Outcome({{"token", Token("admin", kNow + 3600, "another-secret-0123456789-0123456789")}},
              true),
      "Invalid token");
}

TEST(AdmitSocketTest, TheReasonForTheLogsSaysWhatWasWrong) {
  auto expired = Admit({{"token", Token("admin", kNow - 1)}}, true);
  EXPECT_THAT(std::get<SocketRefusal>(expired).reason, HasSubstr("expired"));
  auto viewer = Admit({{"token", Token("viewer")}}, true);
  EXPECT_THAT(std::get<SocketRefusal>(viewer).reason, HasSubstr("role \"viewer\""));
  auto missing = Admit(nlohmann::json::object(), true);
  EXPECT_THAT(std::get<SocketRefusal>(missing).reason, HasSubstr("no \"token\""));
}

}  // namespace
}  // namespace la
