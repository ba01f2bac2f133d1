#include <chrono>
#include <random>

#include "api/authorization.h"
#include "api/handlers/handlers.h"
#include "core/like_event.h"
#include "core/request_body.h"
#include "http/blocking.h"

namespace la::handlers {
namespace {

namespace asio = boost::asio;

// Produces one message and resumes with its delivery report, which librdkafka
// delivers within the producer's delivery timeout.
// Arguments are references (see RunBlocking on temporaries in co_await); they
// are copied before this returns.
asio::awaitable<DeliveryReport> ProduceAsync(KafkaProducer& producer, const std::string& topic, const std::string& key,
                                             const std::string& value) {
  return http::AwaitCallback<DeliveryReport>([&producer, topic, key, value](std::function<void(DeliveryReport)> done) {
    Status queued = producer.Produce(topic, key, value, {}, [done](const DeliveryReport& r) { done(r); });
    if (!queued.ok()) done(DeliveryReport{queued});
  });
}

// A random (version 4) UUID for likes sent without an eventId.
std::string NewEventId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const uint64_t high = (rng() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  const uint64_t low = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char text[37];
  snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(high >> 32),
           static_cast<unsigned long long>((high >> 16) & 0xFFFF), static_cast<unsigned long long>(high & 0xFFFF),
           static_cast<unsigned long long>(low >> 48), static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

}  // namespace

// 202 only once Kafka acknowledged the event (acks=all); 503 when it did not
// within the delivery timeout. Checks run in the contract's order: body size
// (the server, 413), token (401), role (403), the user's rate limit (429), body (400).
http::Handler Like(ApiContext& api) {
  return [&api](http::RequestContext& context) -> asio::awaitable<http::Response> {
    auto authorized = Authorize(context.request, api.tokens, {"viewer", "admin"});
    if (auto* refusal = std::get_if<http::Response>(&authorized)) co_return std::move(*refusal);
    const JwtClaims& claims = std::get<JwtClaims>(authorized);
    if (auto limited = RateLimited(api.rate_limits.like, claims.id, "likes from this user")) {
      co_return std::move(*limited);
    }

    Result<LikeRequest> like = ParseLikeBody(context.request.body());
    if (!like.ok()) co_return http::ErrorResponse(http::Status::bad_request, like.status().message());

    LikeEvent event{like->event_id.value_or(NewEventId()), like->stream_id, claims.id,
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count()};
    const std::string message = EncodeLikeEvent(event);
    DeliveryReport report = co_await ProduceAsync(api.producer, api.config.kafka_topic, event.stream_id, message);
    if (!report.status.ok()) {
      api.produce_errors.Add();
      http::Response unavailable = http::ErrorResponse(
          http::Status::service_unavailable, "event not queued, Kafka is unavailable: " + report.status.message());
      unavailable.set(http::beast_http::field::retry_after, "1");
      co_return unavailable;
    }
    co_return http::JsonResponse(http::Status::accepted, {{"status", "event queued"}, {"eventId", event.event_id}});
  };
}

}  // namespace la::handlers
