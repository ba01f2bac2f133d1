#include <spdlog/spdlog.h>

#include "api/authorization.h"
#include "api/handlers/handlers.h"
#include "async/blocking.h"
#include "core/requests/query_parameters.h"
#include "http/refused_response.h"

namespace la::handlers {

// GET /streams?top=N[&by=likes|viewers] (admin): the N most liked streams, most liked
// first; by=viewers: the N most watched now, [{streamId, viewers}], from memory.
http::Handler TopStreams(ApiContext& api) {
  return [&api](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    auto authorized = Authorize(context.request, api.tokens, Action::kReadStreams);
    if (auto* refusal = std::get_if<http::Response>(&authorized)) co_return std::move(*refusal);

    Result<size_t> top = ParseTopStreamsParameter(http::QueryParameter(context.query, "top"));
    if (!top.ok()) co_return http::ErrorResponse(http::Status::bad_request, top.status().message());
    const std::string by = http::QueryParameter(context.query, "by");
    if (by == "viewers") {
      nlohmann::json body = nlohmann::json::array();
      for (const ViewerCount& count : api.viewers.Top(*top))
        body.push_back({{"streamId", count.stream_id}, {"viewers", count.viewers}});
      co_return http::JsonResponse(http::Status::ok, body);
    }
    if (!by.empty() && by != "likes") {
      co_return http::ErrorResponse(
          http::Status::bad_request,
          "by must be \"likes\" or \"viewers\", got \"" + by.substr(0, 40) + "\"");
    }
    auto read = [&api, limit = *top] { return api.streams.TopStreams(limit); };
    http::Pooled<Result<std::vector<StreamTotal>>> pooled =
        co_await http::RunBlocking<Result<std::vector<StreamTotal>>>(api.reads, read,
                                                                     context.client_gone);
    if (auto* refused = std::get_if<http::WorkRefused>(&pooled))
      co_return http::RefusedResponse(*refused);
    Result<std::vector<StreamTotal>>& totals = std::get<0>(pooled);
    if (!totals.ok()) {
      spdlog::error("GET /streams?top={}: {}", *top, totals.status().message());
      co_return http::ErrorResponse(http::Status::service_unavailable,
                                    "stream storage is unavailable; try again shortly");
    }
    nlohmann::json body = nlohmann::json::array();
    for (const StreamTotal& total : *totals) {
      body.push_back({{"streamId", total.stream_id}, {"likes", total.likes}});
    }
    co_return http::JsonResponse(http::Status::ok, body);
  };
}

}  // namespace la::handlers
