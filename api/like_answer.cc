#include "api/like_answer.h"

#include "core/counting/like_event.h"

namespace la {

namespace {

const std::string kJsonContentType = "application/json; charset=utf-8";

}  // namespace

http::Response LikeAnswer(const PublishResult& result, const std::string& event_id) {
  if (result.stored() && IsValidEventId(event_id)) {
    // The hot path, written without a JSON document: a valid eventId
    // ([A-Za-z0-9_.:-], core/like_event.h) needs no escaping.
    std::string body;
    body.reserve(48 + event_id.size());
    body += R"({"status":"event queued","eventId":")";
    body += event_id;
    body += R"("})";
    return http::TextResponse(http::Status::accepted, std::move(body), kJsonContentType);
  }
  if (result.stored()) {
    return http::JsonResponse(http::Status::accepted,
                              {{"status", "event queued"}, {"eventId", event_id}});
  }
  const bool possibly_stored = result.outcome == PublishResult::Outcome::kPossiblyStored;
  const std::string message =
      possibly_stored
          ? "event possibly stored, Kafka did not confirm it in time: retry with the same "
            "eventId (" +
                event_id + "), it is counted once: " + result.error
          : "event not queued, Kafka is unavailable: retry with the same eventId (" + event_id +
                "): " + result.error;
  http::Response unavailable = http::JsonResponse(
      http::Status::service_unavailable,
      {{"message", message}, {"eventId", event_id}, {"possiblyStored", possibly_stored}});
  unavailable.set(http::beast_http::field::retry_after, "1");
  return unavailable;
}

}  // namespace la
