#include "core/requests/request_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace la {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RegisterBody, AcceptsAndNormalisesTheEmail) {
  Result<Credentials> credentials =
      ParseRegisterBody(R"({"email":"  Alice@Example.COM\t","password":"correct horse"})");
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->email, "alice@example.com");
  EXPECT_EQ(credentials->password, "correct horse");
}

TEST(RegisterBody, IgnoresTheRoleFieldSeedClientsSend) {
  Result<Credentials> credentials =
      ParseRegisterBody(R"({"email":"a@b.io","password":"12345678","role":"admin"})");
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->email, "a@b.io");
}

TEST(RegisterBody, CountsPasswordLengthInCharacters) {
  // Eight two-byte characters are long enough; seven are not, although 14 bytes.
  EXPECT_TRUE(ParseRegisterBody(R"({"email":"a@b.io","password":"éééééééé"})").ok());
  Result<Credentials> short_password =
      ParseRegisterBody(R"({"email":"a@b.io","password":"ééééééé"})");
  ASSERT_FALSE(short_password.ok());
  EXPECT_EQ(short_password.status().message(), "password must be at least 8 characters, got 7");
}

TEST(RegisterBody, AcceptsPasswordsUpTo1024Bytes) {
  const std::string password(1024, 'p');
  EXPECT_TRUE(ParseRegisterBody(R"({"email":"a@b.io","password":")" + password + "\"}").ok());
}

TEST(RegisterBody, NeverEchoesThePassword) {
  Result<Credentials> result = ParseRegisterBody(R"({"email":"a@b.io","password":"sekret"})");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), Not(HasSubstr("sekret")));
}

TEST(LoginBody, AcceptsShortPasswords) {
  Result<Credentials> credentials = ParseLoginBody(R"({"email":"A@B.IO","password":"x"})");
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->email, "a@b.io");
  EXPECT_EQ(credentials->password, "x");
}

struct BodyCase {
  std::string name;
  std::string body;
  std::string expected_message;  // a substring of the error message
};

void PrintTo(const BodyCase& c, std::ostream* os) { *os << c.name; }

// Failures shared by register and login: the JSON shape and the email rule.
std::vector<BodyCase> CredentialShapeCases() {
  const std::string email_rule = "email must look like name@example.com";
  return {
      {"not_json", "email=a@b.io", "request body is not valid JSON"},
      {"empty", "", "request body is not valid JSON"},
      {"array", R"(["a@b.io","12345678"])", "request body must be a JSON object, got array"},
      {"missing_email", R"({"password":"12345678"})", "email is required"},
      {"email_number", R"({"email":5,"password":"12345678"})",
       "email must be a string, got number"},
      {"email_null", R"({"email":null,"password":"12345678"})", "email must be a string, got null"},
      {"email_empty", R"({"email":"","password":"12345678"})", email_rule},
      {"email_no_at", R"({"email":"alice.example.com","password":"12345678"})", email_rule},
      {"email_two_ats", R"({"email":"a@b@c.io","password":"12345678"})", email_rule},
      {"email_no_local", R"({"email":"@b.io","password":"12345678"})", email_rule},
      {"email_no_tld", R"({"email":"a@localhost","password":"12345678"})", email_rule},
      {"email_dot_first", R"({"email":"a@.io","password":"12345678"})", email_rule},
      {"email_dot_last", R"({"email":"a@b.","password":"12345678"})", email_rule},
      {"email_space", R"({"email":"a b@c.io","password":"12345678"})",
       email_rule + ", without spaces"},
      {"email_quoted_in_message", R"({"email":"Nope","password":"12345678"})", "got \"Nope\""},
      {"email_too_long",
       R"({"email":")" + std::string(250, 'a') + R"(@b.io","password":"12345678"})",
       "at most 254 characters"},
      {"missing_password", R"({"email":"a@b.io"})", "password is required"},
      {"password_number", R"({"email":"a@b.io","password":12345678})",
       "password must be a string, got number"},
      {"password_empty", R"({"email":"a@b.io","password":""})", "password must not be empty"},
      {"password_too_long", R"({"email":"a@b.io","password":")" + std::string(1025, 'p') + "\"}",
       "password must be at most 1024 bytes, got 1025"},
  };
}

class RegisterBodyRejection : public ::testing::TestWithParam<BodyCase> {};
class LoginBodyRejection : public ::testing::TestWithParam<BodyCase> {};
class LikeBodyRejection : public ::testing::TestWithParam<BodyCase> {};

TEST_P(RegisterBodyRejection, NamesTheField) {
  Result<Credentials> result = ParseRegisterBody(GetParam().body);
  ASSERT_FALSE(result.ok()) << "accepted " << GetParam().body;
  EXPECT_THAT(result.status().message(), HasSubstr(GetParam().expected_message));
}

TEST_P(LoginBodyRejection, NamesTheField) {
  Result<Credentials> result = ParseLoginBody(GetParam().body);
  ASSERT_FALSE(result.ok()) << "accepted " << GetParam().body;
  EXPECT_THAT(result.status().message(), HasSubstr(GetParam().expected_message));
}

TEST_P(LikeBodyRejection, NamesTheField) {
  Result<LikeRequest> result = ParseLikeBody(GetParam().body);
  ASSERT_FALSE(result.ok()) << "accepted " << GetParam().body;
  EXPECT_THAT(result.status().message(), HasSubstr(GetParam().expected_message));
}

const auto kCaseName = [](const auto& info) { return info.param.name; };

INSTANTIATE_TEST_SUITE_P(Shape, RegisterBodyRejection, ::testing::ValuesIn(CredentialShapeCases()),
                         kCaseName);
INSTANTIATE_TEST_SUITE_P(PasswordLength, RegisterBodyRejection,
                         ::testing::ValuesIn(std::vector<BodyCase>{
                             {"seven_characters", R"({"email":"a@b.io","password":"1234567"})",
                              "password must be at least 8 characters, got 7"},
                             {"one_character", R"({"email":"a@b.io","password":"x"})",
                              "password must be at least 8 characters, got 1"},
                         }),
                         kCaseName);
INSTANTIATE_TEST_SUITE_P(Shape, LoginBodyRejection, ::testing::ValuesIn(CredentialShapeCases()),
                         kCaseName);

TEST(LikeBody, AcceptsAStreamIdAlone) {
  Result<LikeRequest> request = ParseLikeBody(R"({"streamId":"stream-1"})");
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->stream_id, "stream-1");
  EXPECT_FALSE(request->event_id.has_value());
}

TEST(LikeBody, AcceptsAnEventIdAndUnknownFields) {
  Result<LikeRequest> request =
      ParseLikeBody(R"({"eventId":"e:1","streamId":"s.1","userId":"ignored","n":[1]})");
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->stream_id, "s.1");
  EXPECT_EQ(request->event_id, "e:1");
}

TEST(LikeBody, AcceptsIdsAtTheirMaximumLength) {
  const std::string body = R"({"streamId":")" + std::string(128, 's') + R"(","eventId":")" +
                           std::string(64, 'e') + "\"}";
  EXPECT_TRUE(ParseLikeBody(body).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Table, LikeBodyRejection,
    ::testing::ValuesIn(std::vector<BodyCase>{
        {"not_json", "streamId=s", "request body is not valid JSON"},
        {"number", "7", "request body must be a JSON object, got number"},
        {"missing_stream_id", R"({"eventId":"e"})", "streamId is required"},
        {"stream_id_number", R"({"streamId":1})", "streamId must be a string, got number"},
        {"stream_id_null", R"({"streamId":null})", "streamId must be a string, got null"},
        {"stream_id_empty", R"({"streamId":""})",
         "streamId must be 1-128 characters of [A-Za-z0-9_.:-], got \"\""},
        {"stream_id_space", R"({"streamId":"a b"})",
         "streamId must be 1-128 characters of [A-Za-z0-9_.:-], got \"a b\""},
        {"stream_id_too_long", R"({"streamId":")" + std::string(129, 's') + "\"}",
         "streamId must be 1-128 characters"},
        {"event_id_null", R"({"streamId":"s","eventId":null})",
         "eventId must be a string, got null"},
        {"event_id_number", R"({"streamId":"s","eventId":5})",
         "eventId must be a string, got number"},
        {"event_id_empty", R"({"streamId":"s","eventId":""})",
         "eventId must be 1-64 characters of [A-Za-z0-9_.:-], got \"\""},
        {"event_id_slash", R"({"streamId":"s","eventId":"a/b"})",
         "eventId must be 1-64 characters of [A-Za-z0-9_.:-], got \"a/b\""},
        {"event_id_too_long", R"({"streamId":"s","eventId":")" + std::string(65, 'e') + "\"}",
         "eventId must be 1-64 characters"},
    }),
    kCaseName);

}  // namespace
}  // namespace la
