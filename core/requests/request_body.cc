#include "core/requests/request_body.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/ids.h"

namespace la {
namespace {

using Json = nlohmann::json;

// `text` as a JSON string literal, for quoting a bad value in a message.
std::string Quoted(std::string_view text) {
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Parses `body` as a JSON object, or says why it is not one.
Result<Json> ParseObject(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Status::Error("request body is not valid JSON");
  if (!json.is_object()) {
    return Status::Error(std::string("request body must be a JSON object, got ") +
                         json.type_name());
  }
  return json;
}

// The string field `name` of `object`, or why it is missing or not a string.
Result<std::string> RequiredString(const Json& object, const std::string& name) {
  auto field = object.find(name);
  if (field == object.end()) return Status::Error(name + " is required");
  if (!field->is_string()) {
    return Status::Error(name + " must be a string, got " + field->type_name());
  }
  return field->get<std::string>();
}

bool IsAsciiSpaceOrControl(unsigned char c) { return c <= ' ' || c == 0x7F; }

// `text` without leading and trailing whitespace or control characters.
std::string_view Trim(std::string_view text) {
  const auto is_edge = [](char c) { return IsAsciiSpaceOrControl(static_cast<unsigned char>(c)); };
  while (!text.empty() && is_edge(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_edge(text.back())) text.remove_suffix(1);
  return text;
}

// A plausibility check, not RFC 5322: one '@' with something before it, and a
// domain with a dot that has something on both sides; no spaces anywhere.
bool IsPlausibleEmail(std::string_view email) {
  if (email.size() > kMaxEmailLength) return false;
  if (std::any_of(email.begin(), email.end(),
                  [](char c) { return IsAsciiSpaceOrControl(static_cast<unsigned char>(c)); })) {
    return false;
  }
  const size_t at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != email.npos) {
    return false;
  }
  const std::string_view domain = email.substr(at + 1);
  const size_t last_dot = domain.rfind('.');
  return last_dot != std::string_view::npos && last_dot != 0 && last_dot + 1 < domain.size();
}

// The email field, normalised as NormaliseEmail does.
Result<std::string> EmailField(const Json& body) {
  Result<std::string> email = RequiredString(body, "email");
  if (!email.ok()) return email.status();
  return NormaliseEmail(*email, "email");
}

// Counts Unicode code points in valid UTF-8 (nlohmann has already validated it):
// every byte except continuation bytes 10xxxxxx starts a character.
size_t CountCharacters(std::string_view utf8) {
  return std::count_if(utf8.begin(), utf8.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// The password field with a minimum length in characters and the byte limit.
// The password itself never appears in a message.
Result<std::string> PasswordField(const Json& body, size_t min_characters) {
  Result<std::string> password = RequiredString(body, "password");
  if (!password.ok()) return password.status();
  if (password->empty()) return Status::Error("password must not be empty");
  const size_t characters = CountCharacters(*password);
  if (characters < min_characters) {
    return Status::Error("password must be at least " + std::to_string(min_characters) +
                         " characters, got " + std::to_string(characters));
  }
  if (password->size() > kMaxPasswordBytes) {
    return Status::Error("password must be at most " + std::to_string(kMaxPasswordBytes) +
                         " bytes, got " + std::to_string(password->size()));
  }
  return password;
}

Result<Credentials> ParseCredentials(std::string_view body, size_t min_password_characters) {
  Result<Json> json = ParseObject(body);
  if (!json.ok()) return json.status();
  Result<std::string> email = EmailField(*json);
  if (!email.ok()) return email.status();
  Result<std::string> password = PasswordField(*json, min_password_characters);
  if (!password.ok()) return password.status();
  return Credentials{std::move(email).value(), std::move(password).value()};
}

}  // namespace

Result<std::string> NormaliseEmail(std::string_view email, std::string_view field) {
  std::string normalised(Trim(email));
  std::transform(normalised.begin(), normalised.end(), normalised.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!IsPlausibleEmail(normalised)) {
    return Status::Error(std::string(field) +
                         " must look like name@example.com, without spaces and at most " +
                         std::to_string(kMaxEmailLength) + " characters, got " + Quoted(email));
  }
  return normalised;
}

Result<Credentials> ParseRegisterBody(std::string_view body) {
  return ParseCredentials(body, kMinPasswordCharacters);
}

Result<Credentials> ParseLoginBody(std::string_view body) {
  return ParseCredentials(body, /*min_password_characters=*/0);
}

Result<LikeRequest> ParseLikeBody(std::string_view body) {
  Result<Json> json = ParseObject(body);
  if (!json.ok()) return json.status();

  Result<std::string> stream_id = RequiredString(*json, "streamId");
  if (!stream_id.ok()) return stream_id.status();
  if (Status valid = CheckStreamId(*stream_id); !valid.ok()) return valid;

  LikeRequest request{std::move(stream_id).value(), std::nullopt};
  if (json->contains("eventId")) {
    Result<std::string> event_id = RequiredString(*json, "eventId");
    if (!event_id.ok()) return event_id.status();
    if (Status valid = CheckEventId(*event_id); !valid.ok()) return valid;
    request.event_id = std::move(event_id).value();
  }
  return request;
}

}  // namespace la
