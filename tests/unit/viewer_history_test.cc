#include "core/viewers/viewer_history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::ElementsAre;

constexpr int64_t kMinute0 = 29'932'400;  // a minute index
constexpr int64_t kT0 = kMinute0 * kMinuteMs;

TEST(MinuteMaxima, KeepsTheHighestCountOfEachMinute) {
  MinuteMaxima maxima;
  const std::vector<ViewerCount> start = {{"a", 3}};
  EXPECT_FALSE(maxima.Roll(kT0 + 10, start)) << "nothing folded yet";
  const std::vector<ViewerCount> up = {{"a", 9}, {"b", 1}};
  const std::vector<ViewerCount> down = {{"a", 2}, {"b", 0}};
  maxima.Observe(up);
  maxima.Observe(down);
  EXPECT_EQ(maxima.CurrentMax("a"), 9);
  EXPECT_FALSE(maxima.NeedsRoll(kT0 + 59'999));
  ASSERT_TRUE(maxima.NeedsRoll(kT0 + 60'000));
  const std::vector<ViewerCount> now = {{"a", 2}};
  const std::optional<MinuteOfViewers> closed = maxima.Roll(kT0 + 60'000, now);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->minute, kMinute0);
  EXPECT_THAT(closed->maxima, ElementsAre(ViewerCount{"a", 9}, ViewerCount{"b", 1}));
  EXPECT_EQ(maxima.CurrentMax("a"), 2) << "the next minute starts at the counts of now";
}

TEST(ViewerHistoryBody, PlacesStoredMinutesInTheLastHourAndTheCurrentMinuteLast) {
  const int64_t now = kT0 + 59 * kMinuteMs + 5'000;  // minute kMinute0 + 59
  const nlohmann::json document = {
      {"peakViewers", 40},
      {"minutes",
       {{std::to_string((kMinute0 + 58) % 60), {{"t", kMinute0 + 58}, {"v", 12}}},
        {std::to_string((kMinute0 + 0) % 60), {{"t", kMinute0}, {"v", 7}}},
        {std::to_string((kMinute0 - 5) % 60), {{"t", kMinute0 - 5}, {"v", 99}}}}}};
  Result<nlohmann::json> body = ViewerHistoryBody(document, now, 5, 6);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ((*body)["viewers"], 5);
  EXPECT_EQ((*body)["peakViewers"], 40);
  const nlohmann::json& points = (*body)["viewersPerMinute"];
  ASSERT_EQ(points.size(), 60u);
  EXPECT_EQ(points[0]["t"], kT0);
  EXPECT_EQ(points[0]["viewers"], 7);
  EXPECT_EQ(points[58]["viewers"], 12);
  EXPECT_EQ(points[59]["viewers"], 6) << "the current minute's maximum so far";
  for (const nlohmann::json& point : points) EXPECT_NE(point["viewers"], 99) << "older than 1 h";
}

TEST(ViewerHistoryBody, APeakAboveTheStoredOneIsTheCurrentCount) {
  Result<nlohmann::json> body = ViewerHistoryBody(std::nullopt, kT0, 8, 8);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["peakViewers"], 8);
  EXPECT_FALSE(ViewerHistoryBody(nlohmann::json{{"minutes", {{"1", 3}}}}, kT0, 0, 0).ok());
}

TEST(ViewerMinuteUpdate, WritesOneRingSlotAndRaisesThePeak) {
  const nlohmann::json update = ViewerMinuteUpdate("s1", kMinute0 + 61, 17, kT0);
  EXPECT_EQ(update["$max"]["peakViewers"], 17);
  const std::string slot = "minutes." + std::to_string((kMinute0 + 61) % 60);
  EXPECT_EQ(update["$set"][slot]["t"], kMinute0 + 61);
  EXPECT_EQ(update["$set"][slot]["v"], 17);
  EXPECT_EQ(update["$setOnInsert"]["streamId"], "s1");
}

}  // namespace
}  // namespace la
