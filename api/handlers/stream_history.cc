#include "core/counting/stream_history.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/authorization.h"
#include "api/handlers/handlers.h"
#include "core/counting/like_event.h"
#include "http/blocking.h"

namespace la::handlers {

// GET /streams/{streamId} (admin): the total and the likes over time of one stream.
http::Handler StreamHistory(ApiContext& api) {
  return [&api](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    if (context.request.method() != http::beast_http::verb::get) {
      co_return http::ErrorResponse(http::Status::method_not_allowed, "only GET is allowed here");
    }
    auto authorized = Authorize(context.request, api.tokens, Action::kReadStreams);
    if (auto* refusal = std::get_if<http::Response>(&authorized)) co_return std::move(*refusal);

    const std::string stream_id = context.path.substr(std::string("/streams/").size());
    if (Status valid = CheckStreamId(stream_id); !valid.ok()) {
      co_return http::ErrorResponse(http::Status::bad_request, valid.message());
    }
    auto read = [&api, stream_id] { return api.streams.StreamDocument(stream_id); };
    http::Pooled<Result<std::optional<nlohmann::json>>> pooled =
        co_await http::RunBlocking<Result<std::optional<nlohmann::json>>>(api.reads, read,
                                                                          context.client_gone);
    if (auto* refused = std::get_if<http::WorkRefused>(&pooled))
      co_return http::RefusedResponse(*refused);
    Result<std::optional<nlohmann::json>>& document = std::get<0>(pooled);
    if (!document.ok()) {
      spdlog::error("GET /streams/{}: {}", stream_id, document.status().message());
      co_return http::ErrorResponse(http::Status::service_unavailable,
                                    "stream storage is unavailable; try again shortly");
    }
    if (!*document) {
      co_return http::ErrorResponse(http::Status::not_found,
                                    "no likes recorded for stream \"" + stream_id + "\"");
    }
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    Result<nlohmann::json> body = StreamHistoryBody(**document, now_ms);
    if (!body.ok()) {
      spdlog::error("GET /streams/{}: {}", stream_id, body.status().message());
      co_return http::ErrorResponse(http::Status::internal_server_error,
                                    "the stored document of this stream is invalid");
    }
    co_return http::JsonResponse(http::Status::ok, *body);
  };
}

}  // namespace la::handlers
