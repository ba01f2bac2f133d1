// What a handler answers when its blocking work, run on a pool (async::RunBlocking), gave no
// value: the pool's refusal (503 + Retry-After when the queue was full, 500 when the work
// threw), or, when the work returned an error, a 503 that says which storage is unavailable,
// the error logged for the operator. Pure but for the log; any thread.
#pragma once

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <string_view>

#include "async/blocking.h"
#include "core/status.h"
#include "http/refused_response.h"

namespace la::handlers {

// The response to send instead of the work's value, or nullopt when std::get<0>(pooled)
// holds one. `request` names the request in the log ("GET /totals"); `storage` what was
// read or written ("stream storage", "account storage").
template <typename T>
std::optional<http::Response> FailedWork(const async::Pooled<Result<T>>& pooled,
                                         std::string_view request, std::string_view storage) {
  if (const auto* refused = std::get_if<async::WorkRefused>(&pooled))
    return http::RefusedResponse(*refused);
  const Result<T>& result = std::get<0>(pooled);
  if (result.ok()) return std::nullopt;
  spdlog::error("{}: {}", request, result.status().message());
  return http::ErrorResponse(http::Status::service_unavailable,
                             std::string(storage) + " is unavailable; try again shortly");
}

}  // namespace la::handlers
