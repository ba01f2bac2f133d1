#include "core/counting/like_event.h"

#include <simdjson.h>

#include <algorithm>
#include <array>

namespace la {
namespace {

// The character set shared by stream ids and event ids: safe in URLs, Redis
// keys, Kafka keys and log lines without any quoting.
bool IsIdCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

bool IsValidId(std::string_view id, size_t max_length, bool colon_allowed = true) {
  if (id.empty() || id.size() > max_length) return false;
  for (char c : id) {
    if (!IsIdCharacter(c) || (c == ':' && !colon_allowed)) return false;
  }
  return true;
}

// Appends `text` as a JSON string literal (with quotes). Bytes >= 0x80 are
// copied unchanged, so UTF-8 input stays UTF-8.
void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out += kHexDigits[byte >> 4];
          out += kHexDigits[byte & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// `text` quoted and escaped, for quoting a bad value inside an error message.
std::string Quoted(std::string_view text) {
  std::string quoted;
  AppendJsonString(quoted, text);
  return quoted;
}

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

bool IsValidStreamId(std::string_view id) { return IsValidId(id, kMaxStreamIdLength); }

bool IsValidEventId(std::string_view id) { return IsValidId(id, kMaxEventIdLength); }

bool IsValidUserId(std::string_view id) {
  return IsValidId(id, kMaxUserIdLength, /*colon_allowed=*/false);
}

Status CheckStreamId(std::string_view id) {
  if (IsValidStreamId(id)) return Status::Ok();
  return Status::Error("streamId must be 1-128 characters of [A-Za-z0-9_.:-], got " + Quoted(id));
}

Status CheckEventId(std::string_view id) {
  if (IsValidEventId(id)) return Status::Ok();
  return Status::Error("eventId must be 1-64 characters of [A-Za-z0-9_.:-], got " + Quoted(id));
}

Status CheckUserId(std::string_view id) {
  if (IsValidUserId(id)) return Status::Ok();
  return Status::Error("userId must be 1-128 characters of [A-Za-z0-9_.-] (no ':'), got " +
                       Quoted(id));
}

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
