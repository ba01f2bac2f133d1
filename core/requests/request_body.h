// Validation of the JSON bodies of the HTTP API (docs/http-api.md). Each parser
// turns a raw body into a typed request or a message, naming the field and what
// was wrong with it, that the api node returns as a 400.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace la {

// Limits on the credentials in register and login bodies.
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMinPasswordCharacters = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;

// An email address as accounts store it and logins look it up: trimmed, lower-cased and
// checked to look like name@example.com (no spaces, at most 254 characters). The message
// of a refusal names `field` (e.g. "email", "ADMIN_EMAIL") and quotes the value.
Result<std::string> NormaliseEmail(std::string_view email, std::string_view field);

// The body of POST /auth/register and POST /auth/login.
struct Credentials {
  std::string email;  // trimmed and lower-cased
  std::string password;
};

// Parses {"email","password"} for registration: the email must look like
// name@domain.tld (no spaces, at most 254 characters) and the password must be
// 8 characters to 1024 bytes long. A "role" field is ignored: self-registered
// accounts are always viewers, but seed clients still send it.
Result<Credentials> ParseRegisterBody(std::string_view body);

// Parses {"email","password"} for login: the same email rule; the password only
// has to be non-empty and at most 1024 bytes (a wrong one is a 401 later, not a 400).
Result<Credentials> ParseLoginBody(std::string_view body);

// The body of POST /engagement/like.
struct LikeRequest {
  std::string stream_id;
  std::optional<std::string> event_id;  // the client's idempotency key, if it sent one
};

// Parses {"streamId", "eventId"?}: streamId and, when present, eventId must
// follow the id rules of core/like_event.h. An eventId that is null or empty is
// an error, not "absent".
Result<LikeRequest> ParseLikeBody(std::string_view body);

}  // namespace la
