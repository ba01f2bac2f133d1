#include "api/like_answer.h"

namespace la {

http::Response LikeAnswer(const DeliveryReport& report, const std::string& event_id) {
  if (report.status.ok()) {
    return http::JsonResponse(http::Status::accepted,
                              {{"status", "event queued"}, {"eventId", event_id}});
  }
  const std::string message =
      report.possibly_persisted
          ? "event possibly stored, Kafka did not confirm it in time: retry with the same "
            "eventId (" +
                event_id + "), it is counted once: " + report.status.message()
          : "event not queued, Kafka is unavailable: retry with the same eventId (" + event_id +
                "): " + report.status.message();
  http::Response unavailable = http::JsonResponse(
      http::Status::service_unavailable,
      {{"message", message}, {"eventId", event_id}, {"possiblyStored", report.possibly_persisted}});
  unavailable.set(http::beast_http::field::retry_after, "1");
  return unavailable;
}

}  // namespace la
