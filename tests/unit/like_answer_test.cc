#include "api/like_answer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/adapters/kafka_event_publisher.h"
#include "api/event_id.h"
#include "core/counting/like_event.h"

namespace la {
namespace {

nlohmann::json Body(const http::Response& response) {
  return nlohmann::json::parse(response.body());
}

TEST(LikeAnswerTest, AnAcknowledgedLikeIs202WithItsEventId) {
  const http::Response answer = LikeAnswer(PublishResult{}, "e-1");
  EXPECT_EQ(answer.result(), http::Status::accepted);
  EXPECT_EQ(Body(answer), (nlohmann::json{{"status", "event queued"}, {"eventId", "e-1"}}));
}

// The 202 body is written by hand for speed; an id it could not write safely still gives
// valid JSON (handlers only pass validated ids, this guards the function itself).
TEST(LikeAnswerTest, The202BodyIsValidJsonForAnyEventId) {
  for (const std::string id : {"e-1", "a.b:c_d-9", "quote\"d", "back\\slash", ""}) {
    const http::Response answer = LikeAnswer(PublishResult{}, id);
    EXPECT_EQ(answer.result(), http::Status::accepted);
    EXPECT_EQ(answer[http::beast_http::field::content_type], "application/json; charset=utf-8");
    EXPECT_EQ(Body(answer), (nlohmann::json{{"status", "event queued"}, {"eventId", id}})) << id;
  }
}

// Before: a 503 carried no eventId, so a client that let the server make the id
// retried with a new one and a possibly stored like was counted twice.
TEST(LikeAnswerTest, ANotStoredLikeIs503WithRetryAfterAndItsEventId) {
  const PublishResult result{PublishResult::Outcome::kNotStored, "Local: Broker transport failure"};
  const http::Response answer = LikeAnswer(result, "e-2");
  EXPECT_EQ(answer.result(), http::Status::service_unavailable);
  EXPECT_EQ(answer[http::beast_http::field::retry_after], "1");
  const nlohmann::json body = Body(answer);
  EXPECT_EQ(body["eventId"], "e-2");
  EXPECT_EQ(body["possiblyStored"], false);
  EXPECT_NE(body["message"].get<std::string>().find("event not queued"), std::string::npos);
}

TEST(LikeAnswerTest, APossiblyStoredLikeTellsTheClientToRetryWithTheSameEventId) {
  const PublishResult result{PublishResult::Outcome::kPossiblyStored, "Local: Message timed out"};
  const http::Response answer = LikeAnswer(result, "e-3");
  EXPECT_EQ(answer.result(), http::Status::service_unavailable);
  EXPECT_EQ(answer[http::beast_http::field::retry_after], "1");
  const nlohmann::json body = Body(answer);
  EXPECT_EQ(body["eventId"], "e-3");
  EXPECT_EQ(body["possiblyStored"], true);
  const std::string message = body["message"];
  EXPECT_NE(message.find("possibly stored"), std::string::npos) << message;
  EXPECT_NE(message.find("retry with the same eventId (e-3)"), std::string::npos) << message;
}

TEST(KafkaEventPublisherTest, ADeliveryReportBecomesStoredNotStoredOrPossiblyStored) {
  EXPECT_EQ(ToPublishResult(DeliveryReport{}).outcome, PublishResult::Outcome::kStored);
  DeliveryReport failed{Status::Error("Local: Message timed out")};
  const PublishResult not_stored = ToPublishResult(failed);
  EXPECT_EQ(not_stored.outcome, PublishResult::Outcome::kNotStored);
  EXPECT_EQ(not_stored.error, "Local: Message timed out");
  failed.possibly_persisted = true;
  EXPECT_EQ(ToPublishResult(failed).outcome, PublishResult::Outcome::kPossiblyStored);
}

TEST(EventIdTest, IsAVersion4UuidAndDiffersEachTime) {
  const std::string id = NewEventId();
  ASSERT_EQ(id.size(), 36u);
  for (size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[i], '-') << id;
  EXPECT_EQ(id[14], '4') << id;
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  EXPECT_TRUE(IsValidEventId(id)) << id;
  EXPECT_NE(NewEventId(), NewEventId());
}

}  // namespace
}  // namespace la
