// The HTTP answer to work a pool refused or that failed (async/blocking.h): what a handler
// returns when RunBlocking gives a WorkRefused. Thread-safe (no state).
#pragma once

#include "async/blocking.h"
#include "http/message.h"

namespace la::http {

// The answer to refused work: 503 + Retry-After when the pool was busy (or the client left,
// which nobody will read), 500 when the work failed.
inline Response RefusedResponse(const async::WorkRefused& refused) {
  if (refused.reason == async::WorkRefused::Reason::kFailed) {
    return ErrorResponse(Status::internal_server_error, "internal error: " + refused.message);
  }
  Response busy = ErrorResponse(Status::service_unavailable,
                                "the server is busy: " + refused.message + "; retry in a second");
  busy.set(beast_http::field::retry_after, "1");
  return busy;
}

}  // namespace la::http
