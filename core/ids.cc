#include "core/ids.h"

#include "core/json_string.h"

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

}  // namespace la
