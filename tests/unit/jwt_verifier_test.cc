// The caching verifier answers exactly as VerifyJwt does, also for tokens it has seen.
#include "core/auth/jwt_verifier.h"

#include <gtest/gtest.h>

namespace la {
namespace {

const std::string kSecret = "jwt-verifier-test-secret-0123456789abcdef";

TEST(JwtVerifier, CachedTokensStillExpire) {
  JwtVerifier verifier(kSecret);
  const std::string token = SignJwt({"u", "viewer", "j", 1000, 2000}, kSecret);
  ASSERT_TRUE(verifier.Verify(token, 1500).ok());
  ASSERT_TRUE(verifier.Verify(token, 1999).ok());  // from the cache
  Result<JwtClaims> expired = verifier.Verify(token, 2000);
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos)
      << expired.status().message();
}

TEST(JwtVerifier, RejectsWhatVerifyJwtRejects) {
  JwtVerifier verifier(kSecret);
  const std::string foreign =
      SignJwt({"u", "admin", "j", 1000, 2000}, "another-secret-of-enough-length-000000");
  EXPECT_FALSE(verifier.Verify(foreign, 1500).ok());
  EXPECT_FALSE(verifier.Verify(foreign, 1500).ok());  // failures are not remembered as successes
  EXPECT_FALSE(verifier.Verify("a.b.c", 1500).ok());
}

TEST(JwtVerifier, StaysWithinItsCapacity) {
  JwtVerifier verifier(kSecret, 2);
  for (int i = 0; i < 5; ++i) {
    const std::string token =
        SignJwt({"u" + std::to_string(i), "viewer", "j", 1000, 2000}, kSecret);
    Result<JwtClaims> claims = verifier.Verify(token, 1500);
    ASSERT_TRUE(claims.ok());
    EXPECT_EQ(claims->id, "u" + std::to_string(i));
  }
}

}  // namespace
}  // namespace la
