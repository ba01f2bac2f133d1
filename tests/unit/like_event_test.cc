#include "core/counting/like_event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace la {
namespace {

using ::testing::HasSubstr;

TEST(LikeEventIds, StreamIdRules) {
  EXPECT_TRUE(IsValidStreamId("s"));
  EXPECT_TRUE(IsValidStreamId("stream-1_a.b:C"));
  EXPECT_TRUE(IsValidStreamId(std::string(128, 'x')));
  EXPECT_FALSE(IsValidStreamId(""));
  EXPECT_FALSE(IsValidStreamId(std::string(129, 'x')));
  for (std::string_view bad : {"a b", "a/b", "a\"b", "é", "a\nb", "a{b", "a*"}) {
    EXPECT_FALSE(IsValidStreamId(bad)) << bad;
  }
}

TEST(LikeEventIds, EventIdRules) {
  EXPECT_TRUE(IsValidEventId("0b7e1c2a-5d4f-4c3e-9a8b-1f2e3d4c5b6a"));
  EXPECT_TRUE(IsValidEventId(std::string(64, '9')));
  EXPECT_FALSE(IsValidEventId(std::string(65, '9')));
  EXPECT_FALSE(IsValidEventId(""));
  EXPECT_FALSE(IsValidEventId("a b"));
}

TEST(LikeEventIds, UserIdRulesLeaveOutTheColonThatEndsItInDedupKeys) {
  EXPECT_TRUE(IsValidUserId("65a1f0c2e4b0a1b2c3d4e5f6"));
  EXPECT_TRUE(IsValidUserId("loadgen-1.a_B"));
  EXPECT_TRUE(IsValidUserId(std::string(128, 'u')));
  for (std::string_view bad : {"", "a:b", ":", "a b", "a/b", "é"}) {
    EXPECT_FALSE(IsValidUserId(bad)) << bad;
  }
  EXPECT_FALSE(IsValidUserId(std::string(129, 'u')));
  EXPECT_EQ(CheckUserId("a:b").message(),
            "userId must be 1-128 characters of [A-Za-z0-9_.-] (no ':'), got \"a:b\"");
}

TEST(LikeEventIds, CheckMessagesNameTheFieldAndQuoteTheValue) {
  EXPECT_TRUE(CheckStreamId("s1").ok());
  EXPECT_TRUE(CheckEventId("e1").ok());
  EXPECT_EQ(CheckStreamId("a b").message(),
            "streamId must be 1-128 characters of [A-Za-z0-9_.:-], got \"a b\"");
  EXPECT_EQ(CheckEventId("").message(),
            "eventId must be 1-64 characters of [A-Za-z0-9_.:-], got \"\"");
  EXPECT_EQ(CheckEventId("a\"\n").message(),
            "eventId must be 1-64 characters of [A-Za-z0-9_.:-], got \"a\\\"\\n\"");
}

TEST(LikeEventEncode, ProducesTheSeedShapeExactly) {
  const LikeEvent event{"e-1", "stream-7", "65a1f0c2e4b0a1b2c3d4e5f6", 1700000000123};
  EXPECT_EQ(EncodeLikeEvent(event),
            R"({"eventId":"e-1","type":"LIKE","streamId":"stream-7",)"
            R"("userId":"65a1f0c2e4b0a1b2c3d4e5f6","timeStamp":1700000000123})");
}

TEST(LikeEventEncode, EscapesAnyUserId) {
  const LikeEvent event{"e", "s", "q\"b\\s/\n\r\t\x01\x1f é", -5};
  EXPECT_EQ(EncodeLikeEvent(event), R"({"eventId":"e","type":"LIKE","streamId":"s",)"
                                    R"("userId":"q\"b\\s/\n\r\t\u0001\u001f é","timeStamp":-5})");
}

TEST(LikeEventParse, RoundTripsEncodedEvents) {
  const std::vector<LikeEvent> events = {
      {"e-1", "stream-7", "user-1", 1700000000123},
      {std::string(64, 'e'), std::string(128, 's'), std::string(128, 'u'), 0},
      {"e:1", "s:1", "u", -5},
      {"e", "s", "u", INT64_MAX},
      {"e", "s", "u", INT64_MIN},
  };
  for (const LikeEvent& event : events) {
    Result<LikeEvent> parsed = ParseLikeEvent(EncodeLikeEvent(event));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed->event_id, event.event_id);
    EXPECT_EQ(parsed->stream_id, event.stream_id);
    EXPECT_EQ(parsed->user_id, event.user_id);
    EXPECT_EQ(parsed->timestamp_ms, event.timestamp_ms);
  }
}

TEST(LikeEventParse, AcceptsAnyFieldOrderWhitespaceAndUnknownFields) {
  Result<LikeEvent> parsed = ParseLikeEvent(
      R"( { "timeStamp" : 5, "userId":"u", "extra":[1,{"x":null}],
            "streamId":"s", "type":"LIKE", "eventId":"e" } )");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->event_id, "e");
  EXPECT_EQ(parsed->stream_id, "s");
  EXPECT_EQ(parsed->user_id, "u");
  EXPECT_EQ(parsed->timestamp_ms, 5);
}

TEST(LikeEventParse, AcceptsAnEventOfExactlyTheSizeLimit) {
  const std::string event = EncodeLikeEvent({"e", "s", "u", 1});
  const std::string padded = event + std::string(kMaxEventBytes - event.size(), ' ');
  ASSERT_EQ(padded.size(), kMaxEventBytes);
  EXPECT_TRUE(ParseLikeEvent(padded).ok());
  Result<LikeEvent> parsed = ParseLikeEvent(padded + " ");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "event is 1025 bytes, more than the 1024-byte limit");
}

struct MalformedCase {
  std::string name;
  std::string bytes;
  std::string expected_message;  // a substring of the error message
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

class LikeEventMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(LikeEventMalformed, IsRejectedWithAReason) {
  Result<LikeEvent> parsed = ParseLikeEvent(GetParam().bytes);
  ASSERT_FALSE(parsed.ok()) << "accepted " << GetParam().bytes;
  EXPECT_THAT(parsed.status().message(), HasSubstr(GetParam().expected_message));
}

// A valid event with the field `name` replaced by `json` (or removed if empty).
std::string EventWith(std::string_view name, std::string_view json) {
  std::string event = "{";
  for (auto [field, value] :
       std::vector<std::pair<std::string_view, std::string_view>>{{"eventId", "\"e\""},
                                                                  {"type", "\"LIKE\""},
                                                                  {"streamId", "\"s\""},
                                                                  {"userId", "\"u\""},
                                                                  {"timeStamp", "1"}}) {
    if (field == name) value = json;
    if (value.empty()) continue;
    if (event.size() > 1) event += ',';
    event += "\"" + std::string(field) + "\":" + std::string(value);
  }
  return event + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Table, LikeEventMalformed,
    ::testing::ValuesIn(std::vector<MalformedCase>{
        {"empty", "", "event is not valid JSON"},
        {"garbage", "LIKE s1", "event is not valid JSON"},
        {"truncated", R"({"eventId":"e","type":"LIKE")", "event is not valid JSON"},
        {"trailing_garbage", EventWith("", "") + "x", "event is not valid JSON"},
        {"invalid_utf8", EventWith("userId", "\"\xff\""), "event is not valid JSON"},
        {"array", R"(["LIKE"])", "event must be a JSON object, got an array"},
        {"string", R"("LIKE")", "event must be a JSON object, got a string"},
        {"null", "null", "event must be a JSON object, got null"},
        {"oversized", std::string(kMaxEventBytes + 1, ' '), "more than the 1024-byte limit"},
        {"missing_type", EventWith("type", ""), "type is missing"},
        {"type_view", EventWith("type", "\"VIEW\""), "type must be \"LIKE\", got \"VIEW\""},
        {"type_lowercase", EventWith("type", "\"like\""), "type must be \"LIKE\", got \"like\""},
        {"type_number", EventWith("type", "1"), "type must be a string, got a number"},
        {"missing_event_id", EventWith("eventId", ""), "eventId is missing"},
        {"event_id_number", EventWith("eventId", "7"), "eventId must be a string, got a number"},
        {"event_id_null", EventWith("eventId", "null"), "eventId must be a string, got null"},
        {"event_id_empty", EventWith("eventId", "\"\""),
         "eventId must be 1-64 characters of [A-Za-z0-9_.:-], got \"\""},
        {"event_id_space", EventWith("eventId", "\"a b\""),
         "eventId must be 1-64 characters of [A-Za-z0-9_.:-], got \"a b\""},
        {"event_id_too_long", EventWith("eventId", "\"" + std::string(65, 'e') + "\""),
         "eventId must be 1-64 characters"},
        {"missing_stream_id", EventWith("streamId", ""), "streamId is missing"},
        {"stream_id_object", EventWith("streamId", "{}"),
         "streamId must be a string, got an object"},
        {"stream_id_invalid", EventWith("streamId", "\"a/b\""),
         "streamId must be 1-128 characters of [A-Za-z0-9_.:-], got \"a/b\""},
        {"stream_id_too_long", EventWith("streamId", "\"" + std::string(129, 's') + "\""),
         "streamId must be 1-128 characters"},
        {"missing_user_id", EventWith("userId", ""), "userId is missing"},
        {"user_id_number", EventWith("userId", "42"), "userId must be a string, got a number"},
        {"user_id_colon", EventWith("userId", "\"a:b\""),
         "userId must be 1-128 characters of [A-Za-z0-9_.-] (no ':'), got \"a:b\""},
        {"user_id_empty", EventWith("userId", "\"\""), "userId must be 1-128 characters"},
        {"user_id_too_long", EventWith("userId", "\"" + std::string(129, 'u') + "\""),
         "userId must be 1-128 characters"},
        {"missing_timestamp", EventWith("timeStamp", ""), "timeStamp is missing"},
        {"timestamp_string", EventWith("timeStamp", "\"1700000000000\""),
         "timeStamp must be an integer (ms since the epoch), got a string"},
        {"timestamp_float", EventWith("timeStamp", "1.5"),
         "timeStamp must be an integer (ms since the epoch), got a number"},
        {"timestamp_exponent", EventWith("timeStamp", "1e12"), "got a number"},
        {"timestamp_too_large", EventWith("timeStamp", "9223372036854775808"),
         "got an integer too large for 64 bits"},
        {"timestamp_bool", EventWith("timeStamp", "true"), "got a boolean"},
    }),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace la
