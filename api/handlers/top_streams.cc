
#include "api/authorization.h"
#include "api/handlers/handlers.h"
#include "api/handlers/pooled_work.h"
#include "async/blocking.h"
#include "core/requests/query_parameters.h"

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
    async::Pooled<Result<std::vector<StreamTotal>>> pooled =
        co_await async::RunBlocking<Result<std::vector<StreamTotal>>>(api.reads, read,
                                                                      context.client_gone);
    if (auto failed =
            FailedWork(pooled, "GET /streams?top=" + std::to_string(*top), "stream storage"))
      co_return std::move(*failed);
    Result<std::vector<StreamTotal>>& totals = std::get<0>(pooled);
    nlohmann::json body = nlohmann::json::array();
    for (const StreamTotal& total : *totals) {
      body.push_back({{"streamId", total.stream_id}, {"likes", total.likes}});
    }
    co_return http::JsonResponse(http::Status::ok, body);
  };
}

}  // namespace la::handlers
