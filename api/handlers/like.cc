#include <chrono>

#include "api/authorization.h"
#include "api/event_id.h"
#include "api/handlers/handlers.h"
#include "api/like_answer.h"
#include "core/counting/like_event.h"
#include "core/requests/request_body.h"

namespace la::handlers {
namespace {

namespace asio = boost::asio;

}  // namespace

// 202 only once Kafka acknowledged the event (acks=all); 503 when it did not
// within the delivery timeout (api/like_answer.h: both name the eventId).
// Checks run in the contract's order: body size (the server, 413), token (401),
// role (403), the user's rate limit (429), body (400).
http::Handler Like(ApiContext& api) {
  return [&api](http::RequestContext& context) -> asio::awaitable<http::Response> {
    auto authorized = Authorize(context.request, api.tokens, Action::kLike);
    if (auto* refusal = std::get_if<http::Response>(&authorized)) co_return std::move(*refusal);
    const Identity& user = std::get<Identity>(authorized);
    if (auto limited = RateLimited(api.rate_limits.like, user.user_id, "likes from this user")) {
      co_return std::move(*limited);
    }

    Result<LikeRequest> like = ParseLikeBody(context.request.body());
    if (!like.ok())
      co_return http::ErrorResponse(http::Status::bad_request, like.status().message());

    LikeEvent event{like->event_id ? *like->event_id : NewEventId(), like->stream_id, user.user_id,
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count()};
    const std::string message = EncodeLikeEvent(event);
    const PublishResult published = co_await api.events.Publish(event.stream_id, message);
    if (!published.stored()) api.produce_errors.Add();
    co_return LikeAnswer(published, event.event_id);
  };
}

}  // namespace la::handlers
