// GET /streams/{streamId}: the response body from a stored document.
#include "core/counting/stream_history.h"

#include <gtest/gtest.h>

#include "core/counting/like_history.h"

namespace la {
namespace {

constexpr int64_t kNow = 1'795'944'615'500;
constexpr int64_t kNowMinute = kNow / kMinuteMs;
constexpr int64_t kNowHour = kNow / kHourMs;

TEST(StreamHistoryBody, HasTheContractsFieldsWithDenseSeries) {
  const nlohmann::json document = {
      {"_id", "s1"},
      {"streamId", "s1"},
      {"likes", 42},
      {"updatedAt", {{"$date", "2026-11-29T09:30:15.123Z"}}},
      {"minutes", {{std::to_string(kNowMinute), 3}, {std::to_string(kNowMinute - 90), 8}}},
      {"hours", {{std::to_string(kNowHour - 1), 39}, {"junk", 1}}}};
  Result<nlohmann::json> body = StreamHistoryBody(document, kNow);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ((*body)["streamId"], "s1");
  EXPECT_EQ((*body)["likes"], 42);
  EXPECT_EQ((*body)["updatedAt"], "2026-11-29T09:30:15.123Z");
  const nlohmann::json& minutes = (*body)["perMinute"];
  ASSERT_EQ(minutes.size(), 60u);
  EXPECT_EQ(minutes.back(), (nlohmann::json{{"t", kNowMinute * kMinuteMs}, {"likes", 3}}));
  EXPECT_EQ(minutes.front()["likes"], 0) << "the bucket 90 minutes ago is out of the window";
  const nlohmann::json& hours = (*body)["perHour"];
  ASSERT_EQ(hours.size(), 24u);
  EXPECT_EQ(hours[22], (nlohmann::json{{"t", (kNowHour - 1) * kHourMs}, {"likes", 39}}));
}

TEST(StreamHistoryBody, ADocumentWithoutHistoryHasZeroSeries) {
  Result<nlohmann::json> body = StreamHistoryBody({{"_id", "old"}, {"likes", 5}}, kNow);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["updatedAt"], nullptr);
  for (const nlohmann::json& point : (*body)["perMinute"]) EXPECT_EQ(point["likes"], 0);
}

TEST(StreamHistoryBody, RejectsADocumentWithoutIdOrLikes) {
  EXPECT_FALSE(StreamHistoryBody({{"likes", 5}}, kNow).ok());
  EXPECT_FALSE(StreamHistoryBody({{"_id", "x"}, {"likes", "many"}}, kNow).ok());
}

}  // namespace
}  // namespace la
