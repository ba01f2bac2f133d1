#include "core/counting/stream_history.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/authorization.h"
#include "api/handlers/handlers.h"
#include "api/handlers/pooled_work.h"
#include "async/blocking.h"
#include "core/counting/like_event.h"
#include "core/viewers/viewer_history.h"

namespace la::handlers {

namespace {

// What one read job fetches: the stream's `streams` and `viewers` documents.
struct StoredStream {
  std::optional<nlohmann::json> likes;
  std::optional<nlohmann::json> viewers;
};

}  // namespace

// GET /streams/{streamId} (admin): the total and the likes over time of one stream, and its
// viewers now, at their peak and per minute (docs/viewers.md).
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
    auto read = [&api, stream_id]() -> Result<StoredStream> {
      Result<std::optional<nlohmann::json>> likes = api.streams.StreamDocument(stream_id);
      if (!likes.ok()) return likes.status();
      Result<std::optional<nlohmann::json>> viewers = api.streams.ViewerDocument(stream_id);
      if (!viewers.ok()) return viewers.status();
      return StoredStream{std::move(*likes), std::move(*viewers)};
    };
    async::Pooled<Result<StoredStream>> pooled =
        co_await async::RunBlocking<Result<StoredStream>>(api.reads, read, context.client_gone);
    if (auto failed = FailedWork(pooled, "GET /streams/" + stream_id, "stream storage"))
      co_return std::move(*failed);
    Result<StoredStream>& stored = std::get<0>(pooled);
    const int64_t viewers = api.viewers.Viewers(stream_id);
    if (!stored->likes && !stored->viewers && viewers == 0) {
      co_return http::ErrorResponse(
          http::Status::not_found,
          "no likes recorded and no viewers for stream \"" + stream_id + "\"");
    }
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    // A stream watched but never liked has no `streams` document: its likes are 0.
    const nlohmann::json likes_document =
        stored->likes ? *stored->likes
                      : nlohmann::json{{"_id", stream_id}, {"streamId", stream_id}, {"likes", 0}};
    Result<nlohmann::json> body = StreamHistoryBody(likes_document, now_ms);
    Result<nlohmann::json> watched = ViewerHistoryBody(stored->viewers, now_ms, viewers,
                                                       api.viewers.CurrentMinuteMax(stream_id));
    if (!body.ok() || !watched.ok()) {
      spdlog::error("GET /streams/{}: {}", stream_id,
                    (body.ok() ? watched.status() : body.status()).message());
      co_return http::ErrorResponse(http::Status::internal_server_error,
                                    "the stored document of this stream is invalid");
    }
    body->update(*watched);
    co_return http::JsonResponse(http::Status::ok, *body);
  };
}

}  // namespace la::handlers
