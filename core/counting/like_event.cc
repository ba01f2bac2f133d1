#include "core/counting/like_event.h"

#include <simdjson.h>

#include <algorithm>
#include <array>

#include "core/json_string.h"

namespace la {
namespace {

// "a number", "an array", ...: what a JSON value was, for "got ..." messages.
std::string_view DescribeJsonType(simdjson::dom::element_type type) {
  using simdjson::dom::element_type;
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown JSON value";
}

// Reads the string field `name` of `event`, or says why it cannot.
Result<std::string_view> StringField(simdjson::dom::object event, std::string_view name) {
  simdjson::dom::element value;
  if (event[name].get(value) != simdjson::SUCCESS) {
    return Status::Error(std::string(name) + " is missing");
  }
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) {
    return Status::Error(std::string(name) + " must be a string, got " +
                         std::string(DescribeJsonType(value.type())));
  }
  return text;
}

// Reads `timeStamp` as a signed 64-bit integer, or says why it cannot.
Result<int64_t> TimestampField(simdjson::dom::object event) {
  simdjson::dom::element value;
  if (event["timeStamp"].get(value) != simdjson::SUCCESS) {
    return Status::Error("timeStamp is missing");
  }
  int64_t timestamp_ms = 0;
  if (value.get(timestamp_ms) != simdjson::SUCCESS) {
    const std::string got = value.type() == simdjson::dom::element_type::UINT64
                                ? "an integer too large for 64 bits"
                                : std::string(DescribeJsonType(value.type()));
    return Status::Error("timeStamp must be an integer (ms since the epoch), got " + got);
  }
  return timestamp_ms;
}

// The parser keeps its buffers between calls; one per thread because a
// simdjson parser is not thread-safe.
simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

std::string EncodeLikeEvent(const LikeEvent& event) {
  std::string json;
  json.reserve(96 + event.event_id.size() + event.stream_id.size() + event.user_id.size());
  json += "{\"eventId\":";
  AppendJsonString(json, event.event_id);
  json += ",\"type\":\"LIKE\",\"streamId\":";
  AppendJsonString(json, event.stream_id);
  json += ",\"userId\":";
  AppendJsonString(json, event.user_id);
  json += ",\"timeStamp\":";
  json += std::to_string(event.timestamp_ms);
  json += '}';
  return json;
}

Result<LikeEvent> ParseLikeEvent(std::string_view bytes) {
  if (bytes.size() > kMaxEventBytes) {
    return Status::Error("event is " + std::to_string(bytes.size()) + " bytes, more than the " +
                         std::to_string(kMaxEventBytes) + "-byte limit");
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end of its input, so
  // the message is copied into a padded buffer instead of being reallocated.
  thread_local std::array<char, kMaxEventBytes + simdjson::SIMDJSON_PADDING> padded;
  std::copy(bytes.begin(), bytes.end(), padded.begin());
  std::fill_n(padded.begin() + bytes.size(), simdjson::SIMDJSON_PADDING, '\0');

  simdjson::dom::element document;
  if (auto error = ThreadParser().parse(padded.data(), bytes.size(), false).get(document);
      error != simdjson::SUCCESS) {
    return Status::Error(std::string("event is not valid JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (document.get(object) != simdjson::SUCCESS) {
    return Status::Error("event must be a JSON object, got " +
                         std::string(DescribeJsonType(document.type())));
  }

  Result<std::string_view> type = StringField(object, "type");
  if (!type.ok()) return type.status();
  if (*type != "LIKE") return Status::Error("type must be \"LIKE\", got " + Quoted(*type));

  Result<std::string_view> event_id = StringField(object, "eventId");
  if (!event_id.ok()) return event_id.status();
  if (Status valid = CheckEventId(*event_id); !valid.ok()) return valid;

  Result<std::string_view> stream_id = StringField(object, "streamId");
  if (!stream_id.ok()) return stream_id.status();
  if (Status valid = CheckStreamId(*stream_id); !valid.ok()) return valid;

  Result<std::string_view> user_id = StringField(object, "userId");
  if (!user_id.ok()) return user_id.status();
  if (Status valid = CheckUserId(*user_id); !valid.ok()) return valid;

  Result<int64_t> timestamp_ms = TimestampField(object);
  if (!timestamp_ms.ok()) return timestamp_ms.status();

  return LikeEvent{std::string(*event_id), std::string(*stream_id), std::string(*user_id),
                   *timestamp_ms};
}

}  // namespace la
