#include "core/auth/jwt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <string>
#include <vector>

namespace la {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kSecret = "secret";
constexpr int64_t kNow = 1700000100;
constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view kValidPayload =
    R"({"id":"42","role":"viewer","jti":"jti-1","iat":1700000000,"exp":1700003600})";

// Base64url through OpenSSL's own encoder, independent of the code under test.
std::string Base64Url(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  text.resize(length);
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  text.erase(text.find_last_not_of('=') + 1);
  return text;
}

// Builds a token from raw header and payload JSON, signed with HMAC-SHA256 no
// matter what the header claims, so tests can forge any header they like.
std::string HandBuiltToken(std::string_view header, std::string_view payload,
                           std::string_view secret = kSecret) {
  const std::string signed_part = Base64Url(header) + "." + Base64Url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac,
       &mac_length);
  return signed_part + "." + Base64Url(std::string_view(reinterpret_cast<char*>(mac), mac_length));
}

JwtClaims ValidClaims() { return {"42", "viewer", "jti-1", 1700000000, 1700003600}; }

TEST(JwtSign, ProducesTheByteExactTokenComputedIndependently) {
  // Computed with Python's hmac/base64 modules from the header and payload above.
  EXPECT_EQ(SignJwt(ValidClaims(), kSecret),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            "eyJpZCI6IjQyIiwicm9sZSI6InZpZXdlciIsImp0aSI6Imp0aS0xIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOj"
            "E3MDAwMDM2MDB9."
            "9r-8j5B5mLDGt3KsBPvAoScsV9EiM1XSgwOvMl_XraQ");
  EXPECT_EQ(SignJwt(ValidClaims(), kSecret), HandBuiltToken(kHs256Header, kValidPayload));
}

TEST(JwtSign, RoundTripsThroughVerify) {
  JwtClaims claims{"user-7.a_B", "admin", "jti \"quoted\" é", 1, 1700003600};
  Result<JwtClaims> verified = VerifyJwt(SignJwt(claims, "k"), "k", kNow);
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_EQ(verified->id, claims.id);
  EXPECT_EQ(verified->role, "admin");
  EXPECT_EQ(verified->jti, claims.jti);
  EXPECT_EQ(verified->iat, 1);
  EXPECT_EQ(verified->exp, 1700003600);
}

TEST(JwtSign, WorksWithAnEmptySecret) {
  Result<JwtClaims> verified = VerifyJwt(SignJwt(ValidClaims(), ""), "", kNow);
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_FALSE(VerifyJwt(SignJwt(ValidClaims(), ""), "x", kNow).ok());
}

// The well-known example from jwt.io. It lacks our claims, so a correct
// signature check gets as far as the claims; a wrong secret stops at the signature.
constexpr std::string_view kJwtIoToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

TEST(JwtVerify, AcceptsTheJwtIoSignatureWithItsSecret) {
  Result<JwtClaims> result = VerifyJwt(kJwtIoToken, "your-256-bit-secret", kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "token claim \"id\" is missing");
}

TEST(JwtVerify, RejectsTheJwtIoTokenWithAnotherSecret) {
  Result<JwtClaims> result = VerifyJwt(kJwtIoToken, "not-the-secret", kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "token signature is invalid");
}

TEST(JwtVerify, AcceptsAValidToken) {
  Result<JwtClaims> result = VerifyJwt(HandBuiltToken(kHs256Header, kValidPayload), kSecret, kNow);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->id, "42");
  EXPECT_EQ(result->role, "viewer");
}

TEST(JwtVerify, AcceptsAHeaderWithoutTypAndExtraClaims) {
  const std::string token = HandBuiltToken(
      R"({"alg":"HS256"})",
      R"({"sub":"x","id":"42","role":"viewer","jti":"j","iat":1700000000,"exp":1700003600})");
  EXPECT_TRUE(VerifyJwt(token, kSecret, kNow).ok());
}

TEST(JwtVerify, RejectsExpiredTokensIncludingExpEqualToNow) {
  const std::string token = SignJwt(ValidClaims(), kSecret);
  EXPECT_TRUE(VerifyJwt(token, kSecret, 1700003599).ok());
  for (int64_t now : {int64_t{1700003600}, int64_t{1800000000}}) {
    Result<JwtClaims> result = VerifyJwt(token, kSecret, now);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message(), "token expired at 1700003600");
  }
}

TEST(JwtVerify, RejectsATamperedPayload) {
  const std::string token = SignJwt(ValidClaims(), kSecret);
  const std::string admin_token =
      SignJwt({"42", "admin", "jti-1", 1700000000, 1700003600}, kSecret);
  // The admin payload with the viewer token's signature.
  const size_t first = token.find('.');
  const size_t second = token.rfind('.');
  const std::string forged = token.substr(0, first) +
                             admin_token.substr(first, admin_token.rfind('.') - first) +
                             token.substr(second);
  ASSERT_NE(forged, token);
  Result<JwtClaims> result = VerifyJwt(forged, kSecret, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "token signature is invalid");
}

TEST(JwtVerify, RejectsATamperedSignature) {
  std::string token = SignJwt(ValidClaims(), kSecret);
  token.back() = token.back() == 'A' ? 'Q' : 'A';
  Result<JwtClaims> result = VerifyJwt(token, kSecret, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("token signature"));
}

struct RejectionCase {
  std::string name;
  std::string token;
  std::string expected_message;  // a substring of the error message
};

void PrintTo(const RejectionCase& c, std::ostream* os) { *os << c.name; }

class JwtRejection : public ::testing::TestWithParam<RejectionCase> {};

TEST_P(JwtRejection, FailsWithAClearMessage) {
  Result<JwtClaims> result = VerifyJwt(GetParam().token, kSecret, kNow);
  ASSERT_FALSE(result.ok()) << "accepted " << GetParam().name;
  EXPECT_THAT(result.status().message(), HasSubstr(GetParam().expected_message));
}

std::string PayloadWithout(std::string_view claim) {
  std::string payload(kValidPayload);
  const std::string key = "\"" + std::string(claim) + "\":";
  const size_t start = payload.find(key);
  size_t end = payload.find_first_of(",}", start);
  if (payload[end] == ',') ++end;
  payload.erase(start, end - start);
  if (payload[payload.size() - 2] == ',') payload.erase(payload.size() - 2, 1);
  return payload;
}

std::string PayloadWith(std::string_view claim, std::string_view value_json) {
  std::string payload = PayloadWithout(claim);
  payload.insert(1, "\"" + std::string(claim) + "\":" + std::string(value_json) + ",");
  return payload;
}

std::vector<RejectionCase> RejectionCases() {
  const std::string valid = HandBuiltToken(kHs256Header, kValidPayload);
  const std::string header_b64 = valid.substr(0, valid.find('.'));
  std::vector<RejectionCase> cases = {
      {"empty", "", "expected 3 dot-separated parts, got 1"},
      {"two_parts", "abc.def", "expected 3 dot-separated parts, got 2"},
      {"four_parts", valid + ".x", "expected 3 dot-separated parts, got 4"},
      {"header_not_base64url", "a*b." + valid.substr(valid.find('.') + 1),
       "token header is not valid base64url"},
      {"header_padded", header_b64 + "=" + valid.substr(valid.find('.')),
       "token header is not valid base64url"},
      {"header_not_json", HandBuiltToken("{alg:HS256}", kValidPayload),
       "token header is not valid JSON"},
      {"header_not_object", HandBuiltToken("[]", kValidPayload),
       "token header must be a JSON object"},
      {"alg_none",
       Base64Url(R"({"alg":"none","typ":"JWT"})") + "." + Base64Url(kValidPayload) + ".",
       "token algorithm \"none\" is not allowed; only HS256"},
      {"alg_none_signed", HandBuiltToken(R"({"alg":"none"})", kValidPayload),
       "token algorithm \"none\" is not allowed; only HS256"},
      {"alg_hs512", HandBuiltToken(R"({"alg":"HS512"})", kValidPayload),
       "token algorithm \"HS512\" is not allowed; only HS256"},
      {"alg_rs256", HandBuiltToken(R"({"alg":"RS256"})", kValidPayload),
       "token algorithm \"RS256\" is not allowed; only HS256"},
      {"alg_lowercase", HandBuiltToken(R"({"alg":"hs256"})", kValidPayload),
       "token algorithm \"hs256\" is not allowed"},
      {"alg_missing", HandBuiltToken(R"({"typ":"JWT"})", kValidPayload),
       "token header has no \"alg\""},
      {"alg_not_string", HandBuiltToken(R"({"alg":256})", kValidPayload),
       "token algorithm must be the string \"HS256\", got number"},
      {"signature_empty", valid.substr(0, valid.rfind('.') + 1), "token signature is invalid"},
      {"signature_not_base64url", valid.substr(0, valid.rfind('.') + 1) + "!!!!",
       "token signature is not valid base64url"},
      {"wrong_secret", HandBuiltToken(kHs256Header, kValidPayload, "other"),
       "token signature is invalid"},
      {"payload_not_json", HandBuiltToken(kHs256Header, "not json"),
       "token payload is not valid JSON"},
      {"payload_not_object", HandBuiltToken(kHs256Header, "42"),
       "token payload must be a JSON object, got number"},
      {"iat_float", HandBuiltToken(kHs256Header, PayloadWith("iat", "1.5")),
       "token claim \"iat\" must be an integer number of seconds since the epoch, got 1.5"},
      {"exp_too_large", HandBuiltToken(kHs256Header, PayloadWith("exp", "18446744073709551615")),
       "token claim \"exp\" must be an integer"},
      // dedup:{userId}:{eventId}: user "a:b" with event "c" and user "a" with event "b:c"
      // would share a key, so one user's like could make another's a "duplicate".
      {"id_with_colon", HandBuiltToken(kHs256Header, PayloadWith("id", R"("a:b")")),
       R"(token claim "id": userId must be 1-128 characters of [A-Za-z0-9_.-] (no ':'), got "a:b")"},
      {"id_empty", HandBuiltToken(kHs256Header, PayloadWith("id", R"("")")),
       "token claim \"id\": userId must be"},
      {"id_with_space", HandBuiltToken(kHs256Header, PayloadWith("id", R"("a b")")),
       "token claim \"id\": userId must be"},
      {"id_too_long",
       HandBuiltToken(kHs256Header, PayloadWith("id", "\"" + std::string(129, 'u') + "\"")),
       "token claim \"id\": userId must be"},
  };
  for (const char* claim : {"id", "role", "jti", "iat", "exp"}) {
    cases.push_back({std::string("missing_") + claim,
                     HandBuiltToken(kHs256Header, PayloadWithout(claim)),
                     "token claim \"" + std::string(claim) + "\" is missing"});
  }
  for (const char* claim : {"id", "role", "jti"}) {
    cases.push_back({std::string("number_") + claim,
                     HandBuiltToken(kHs256Header, PayloadWith(claim, "42")),
                     "token claim \"" + std::string(claim) + "\" must be a string, got number"});
  }
  for (const char* claim : {"iat", "exp"}) {
    cases.push_back({std::string("string_") + claim,
                     HandBuiltToken(kHs256Header, PayloadWith(claim, "\"1700003600\"")),
                     "token claim \"" + std::string(claim) +
                         "\" must be an integer number of seconds since the epoch, got string"});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Table, JwtRejection, ::testing::ValuesIn(RejectionCases()),
                         [](const auto& info) { return info.param.name; });

TEST(JwtVerify, NeverEchoesTheToken) {
  const std::string token = HandBuiltToken(kHs256Header, kValidPayload, "other");
  Result<JwtClaims> result = VerifyJwt(token, kSecret, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), ::testing::Not(HasSubstr(token.substr(0, 10))));
}

TEST(BearerToken, ExtractsTheToken) {
  for (std::string_view header : {"Bearer abc.def.ghi", "bearer abc.def.ghi",
                                  "BEARER  abc.def.ghi ", "Bearer abc.def.ghi  "}) {
    Result<std::string> token = BearerToken(header);
    ASSERT_TRUE(token.ok()) << header << ": " << token.status().message();
    EXPECT_EQ(*token, "abc.def.ghi") << header;
  }
}

TEST(BearerToken, RejectsBadHeaders) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"", "missing Authorization header"},
      {"Basic dXNlcjpwYXNz", "Authorization header uses scheme \"Basic\""},
      {"Token abc", "uses scheme \"Token\""},
      {"Bearerabc", "has no scheme"},
      {"abc.def.ghi", "has no scheme"},
      {"Bearer", "empty Bearer token"},
      {"Bearer ", "empty Bearer token"},
      {"Bearer    ", "empty Bearer token"},
      {"Bearer a b", "spaces inside the Bearer token"},
  };
  for (const auto& [header, expected] : cases) {
    Result<std::string> token = BearerToken(header);
    ASSERT_FALSE(token.ok()) << "accepted \"" << header << "\"";
    EXPECT_THAT(token.status().message(), HasSubstr(expected)) << header;
  }
}

}  // namespace
}  // namespace la
