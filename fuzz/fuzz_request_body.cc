// Fuzzes the validation of the HTTP bodies of POST /engagement/like, /auth/login and
// /auth/register (core/request_body.h): any bytes give a request or an error, never a
// crash; what is accepted satisfies the contract's rules.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/counting/like_event.h"
#include "core/requests/request_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (la::Result<la::LikeRequest> like = la::ParseLikeBody(body); like.ok()) {
    if (!la::IsValidStreamId(like->stream_id)) __builtin_trap();
    if (like->event_id && !la::IsValidEventId(*like->event_id)) __builtin_trap();
  }
  if (la::Result<la::Credentials> login = la::ParseLoginBody(body); login.ok()) {
    if (login->email.size() > la::kMaxEmailLength || login->password.empty() ||
        login->password.size() > la::kMaxPasswordBytes) {
      __builtin_trap();
    }
  }
  if (la::Result<la::Credentials> registration = la::ParseRegisterBody(body); registration.ok()) {
    if (registration->email.size() > la::kMaxEmailLength ||
        registration->password.size() > la::kMaxPasswordBytes) {
      __builtin_trap();
    }
  }
  return 0;
}
