#include "core/auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/base64.h"
#include "core/ids.h"

namespace la {
namespace {

using Json = nlohmann::json;

// The header of every token we sign; its base64url form is fixed.
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";

using Sha256Mac = std::array<unsigned char, 32>;

// Base64url without padding (RFC 7515 §2).
std::string Base64UrlEncode(std::string_view bytes) {
  return EncodeBase64(bytes, Base64Alphabet::kUrl, false);
}

// Strict inverse of Base64UrlEncode: one accepted encoding per byte string.
std::optional<std::string> Base64UrlDecode(std::string_view text) {
  Result<std::string> bytes = DecodeBase64(text, Base64Alphabet::kUrl, /*padded=*/false);
  if (!bytes.ok()) return std::nullopt;
  return std::move(bytes).value();
}

Sha256Mac HmacSha256(std::string_view secret, std::string_view message) {
  Sha256Mac mac{};
  unsigned int mac_length = 0;
  // An empty string_view may have a null data(); HMAC treats a null key
  // specially, so an empty secret is passed as a pointer to zero bytes.
  const char* key = secret.empty() ? "" : secret.data();
  HMAC(EVP_sha256(), key, static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
       &mac_length);
  return mac;
}

// `text` as a JSON string literal, for quoting untrusted values in messages.
std::string Quoted(std::string_view text) {
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Decodes one base64url segment of the token and parses it as a JSON object.
// `part` ("header" or "payload") names the segment in error messages.
Result<Json> DecodeJsonSegment(std::string_view segment, std::string_view part) {
  std::optional<std::string> json_text = Base64UrlDecode(segment);
  if (!json_text) return Status::Error("token " + std::string(part) + " is not valid base64url");
  Json json = Json::parse(*json_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    return Status::Error("token " + std::string(part) + " is not valid JSON");
  if (!json.is_object()) {
    return Status::Error("token " + std::string(part) + " must be a JSON object, got " +
                         json.type_name());
  }
  return json;
}

// Accepts the header only if its alg is exactly "HS256".
Status CheckAlgorithm(const Json& header) {
  auto alg = header.find("alg");
  if (alg == header.end())
    return Status::Error("token header has no \"alg\"; only HS256 is allowed");
  if (!alg->is_string()) {
    return Status::Error(std::string("token algorithm must be the string \"HS256\", got ") +
                         alg->type_name());
  }
  const auto& name = alg->get_ref<const std::string&>();
  if (name != "HS256") {
    return Status::Error("token algorithm " + Quoted(name) + " is not allowed; only HS256");
  }
  return Status::Ok();
}

Status CheckSignature(std::string_view signed_part, std::string_view signature_segment,
                      std::string_view secret) {
  std::optional<std::string> signature = Base64UrlDecode(signature_segment);
  if (!signature) return Status::Error("token signature is not valid base64url");
  const Sha256Mac expected = HmacSha256(secret, signed_part);
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Status::Error("token signature is invalid");
  }
  return Status::Ok();
}

Result<std::string> StringClaim(const Json& payload, const char* name) {
  auto claim = payload.find(name);
  if (claim == payload.end())
    return Status::Error("token claim \"" + std::string(name) + "\" is missing");
  if (!claim->is_string()) {
    return Status::Error("token claim \"" + std::string(name) + "\" must be a string, got " +
                         claim->type_name());
  }
  return claim->get<std::string>();
}

Result<int64_t> SecondsClaim(const Json& payload, const char* name) {
  auto claim = payload.find(name);
  if (claim == payload.end())
    return Status::Error("token claim \"" + std::string(name) + "\" is missing");
  const bool fits_int64 =
      claim->is_number_integer() &&
      !(claim->is_number_unsigned() &&
        claim->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
  if (!fits_int64) {
    return Status::Error("token claim \"" + std::string(name) +
                         "\" must be an integer number of seconds since the epoch, got " +
                         (claim->is_number() ? claim->dump() : std::string(claim->type_name())));
  }
  return claim->get<int64_t>();
}

Result<JwtClaims> ReadClaims(const Json& payload) {
  JwtClaims claims;
  for (auto [name, field] : {std::pair{"id", &claims.id}, std::pair{"role", &claims.role},
                             std::pair{"jti", &claims.jti}}) {
    Result<std::string> value = StringClaim(payload, name);
    if (!value.ok()) return value.status();
    *field = std::move(value).value();
  }
  for (auto [name, field] : {std::pair{"iat", &claims.iat}, std::pair{"exp", &claims.exp}}) {
    Result<int64_t> value = SecondsClaim(payload, name);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  // The id becomes the like events' userId and part of their dedup keys.
  if (Status valid = CheckUserId(claims.id); !valid.ok()) {
    return Status::Error("token claim \"id\": " + valid.message());
  }
  return claims;
}

// True if `text` equals `lower_case` up to ASCII case.
bool EqualsIgnoringCase(std::string_view text, std::string_view lower_case) {
  return std::equal(
      text.begin(), text.end(), lower_case.begin(), lower_case.end(),
      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// `text` without leading and trailing spaces.
std::string_view TrimSpaces(std::string_view text) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

std::string SignJwt(const JwtClaims& claims, std::string_view secret) {
  nlohmann::ordered_json payload;
  payload["id"] = claims.id;
  payload["role"] = claims.role;
  payload["jti"] = claims.jti;
  payload["iat"] = claims.iat;
  payload["exp"] = claims.exp;
  std::string token = Base64UrlEncode(kHeaderJson) + '.' +
                      Base64UrlEncode(payload.dump(-1, ' ', false, Json::error_handler_t::replace));
  const Sha256Mac mac = HmacSha256(secret, token);
  token += '.';
  token += Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

Result<JwtClaims> VerifyJwt(std::string_view token, std::string_view secret, int64_t now_s) {
  const auto dots = std::count(token.begin(), token.end(), '.');
  if (dots != 2) {
    return Status::Error("token is malformed: expected 3 dot-separated parts, got " +
                         std::to_string(dots + 1));
  }
  const size_t first_dot = token.find('.');
  const size_t second_dot = token.rfind('.');
  const std::string_view header_segment = token.substr(0, first_dot);
  const std::string_view payload_segment = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signed_part = token.substr(0, second_dot);
  const std::string_view signature_segment = token.substr(second_dot + 1);

  // The header is only inspected to refuse anything but HS256; the algorithm
  // used below is HS256 regardless.
  Result<Json> header = DecodeJsonSegment(header_segment, "header");
  if (!header.ok()) return header.status();
  if (Status alg = CheckAlgorithm(*header); !alg.ok()) return alg;
  if (Status signature = CheckSignature(signed_part, signature_segment, secret); !signature.ok()) {
    return signature;
  }

  Result<Json> payload = DecodeJsonSegment(payload_segment, "payload");
  if (!payload.ok()) return payload.status();
  Result<JwtClaims> claims = ReadClaims(*payload);
  if (!claims.ok()) return claims.status();
  if (claims->exp <= now_s) return Status::Error("token expired at " + std::to_string(claims->exp));
  return claims;
}

Result<std::string> BearerToken(std::string_view authorization_header) {
  constexpr std::string_view kExpected = "expected \"Bearer <token>\"";
  if (authorization_header.empty()) {
    return Status::Error("missing Authorization header; " + std::string(kExpected));
  }
  const size_t space = authorization_header.find(' ');
  // Without a space the whole value may be a bare token: do not echo it.
  if (space == std::string_view::npos && !EqualsIgnoringCase(authorization_header, "bearer")) {
    return Status::Error("Authorization header has no scheme; " + std::string(kExpected));
  }
  const std::string_view scheme = authorization_header.substr(0, space);
  if (!EqualsIgnoringCase(scheme, "bearer")) {
    return Status::Error("Authorization header uses scheme " + Quoted(scheme) + "; " +
                         std::string(kExpected));
  }
  const std::string_view token = space == std::string_view::npos
                                     ? std::string_view()
                                     : TrimSpaces(authorization_header.substr(space));
  if (token.empty()) return Status::Error("Authorization header has an empty Bearer token");
  if (token.find(' ') != std::string_view::npos) {
    return Status::Error("Authorization header has spaces inside the Bearer token; " +
                         std::string(kExpected));
  }
  return std::string(token);
}

}  // namespace la
