#include "tools/loadgen/like_event_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "core/counting/like_event.h"

namespace la {
namespace {

using ::testing::HasSubstr;

class LikeEventSourceTest : public ::testing::Test {
 protected:
  LikeEventSource Source(double duplicate_ratio, uint64_t seed = 1) {
    Result<LikeEventSource> source =
        LikeEventSource::Create(popularity_, "lgrun-c3-", duplicate_ratio, seed);
    EXPECT_TRUE(source.ok()) << source.status().message();
    return std::move(source).value();
  }

  StreamPopularity popularity_ = StreamPopularity::Uniform(5).value();
};

TEST_F(LikeEventSourceTest, WithoutDuplicatesEveryEventIdIsFreshAndValid) {
  LikeEventSource source = Source(0.0);
  std::set<std::string> seen;
  for (uint64_t i = 0; i < 3000; ++i) {
    const PlannedLike like = source.Next();
    EXPECT_FALSE(like.is_duplicate);
    EXPECT_EQ(like.sequence, i);
    EXPECT_EQ(like.event_id, "lgrun-c3-" + std::to_string(i));
    EXPECT_TRUE(IsValidEventId(like.event_id));
    EXPECT_LT(like.stream_rank, 5u);
    EXPECT_TRUE(seen.insert(like.event_id).second);
  }
}

TEST_F(LikeEventSourceTest, DuplicatesReSendAnEarlierPairAtRoughlyTheRatio) {
  LikeEventSource source = Source(0.2);
  std::map<std::string, size_t> stream_of;
  int duplicates = 0;
  const int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const PlannedLike like = source.Next();
    if (like.is_duplicate) {
      ++duplicates;
      ASSERT_TRUE(stream_of.count(like.event_id)) << like.event_id << " was never sent";
      EXPECT_EQ(stream_of[like.event_id], like.stream_rank) << "a re-send keeps its stream";
    } else {
      EXPECT_TRUE(stream_of.emplace(like.event_id, like.stream_rank).second);
    }
  }
  EXPECT_NEAR(duplicates / static_cast<double>(kDraws), 0.2, 0.02);
}

TEST_F(LikeEventSourceTest, FirstLikeIsNeverADuplicate) {
  LikeEventSource source = Source(1.0);
  EXPECT_FALSE(source.Next().is_duplicate);
  EXPECT_TRUE(source.Next().is_duplicate);
}

TEST_F(LikeEventSourceTest, OnlyTheFirstAcceptanceOfAnEventIdIsDistinct) {
  LikeEventSource source = Source(1.0);
  const PlannedLike fresh = source.Next();
  const PlannedLike resend = source.Next();
  ASSERT_EQ(resend.event_id, fresh.event_id);
  EXPECT_TRUE(source.RecordAccepted(fresh));
  EXPECT_FALSE(source.RecordAccepted(resend));
}

TEST_F(LikeEventSourceTest, AResendOfARejectedLikeCountsWhenAccepted) {
  LikeEventSource source = Source(1.0);
  const PlannedLike fresh = source.Next();  // say it got a 503: not recorded
  const PlannedLike resend = source.Next();
  EXPECT_TRUE(source.RecordAccepted(resend));
  EXPECT_FALSE(source.RecordAccepted(source.Next()));
  EXPECT_EQ(resend.event_id, fresh.event_id);
}

TEST_F(LikeEventSourceTest, SameSeedSameLikes) {
  LikeEventSource first = Source(0.3, 7);
  LikeEventSource second = Source(0.3, 7);
  for (int i = 0; i < 100; ++i) {
    const PlannedLike a = first.Next();
    const PlannedLike b = second.Next();
    EXPECT_EQ(a.event_id, b.event_id);
    EXPECT_EQ(a.stream_rank, b.stream_rank);
  }
}

TEST_F(LikeEventSourceTest, RejectsPrefixesThatMakeInvalidEventIds) {
  EXPECT_THAT(LikeEventSource::Create(popularity_, "bad prefix", 0, 1).status().message(),
              HasSubstr("\"bad prefix\""));
  EXPECT_FALSE(LikeEventSource::Create(popularity_, std::string(45, 'a'), 0, 1).ok());
  EXPECT_TRUE(LikeEventSource::Create(popularity_, std::string(44, 'a'), 0, 1).ok());
}

TEST_F(LikeEventSourceTest, RejectsDuplicateRatiosOutsideZeroToOne) {
  EXPECT_THAT(LikeEventSource::Create(popularity_, "p-", 1.5, 1).status().message(),
              HasSubstr("between 0 and 1"));
  EXPECT_FALSE(LikeEventSource::Create(popularity_, "p-", -0.1, 1).ok());
}

}  // namespace
}  // namespace la
