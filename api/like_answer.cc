#include "api/like_answer.h"

namespace la {

http::Response LikeAnswer(const PublishResult& result, const std::string& event_id) {
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
