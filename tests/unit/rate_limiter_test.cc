#include "core/requests/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace la {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

TEST(TokenBucketTest, AllowsTheBurstThenRefusesWithTheWaitForTheNextToken) {
  const Clock::time_point t0{};
  TokenBucket bucket({.per_second = 2, .burst = 3}, t0);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Take(t0).allowed) << i;
  RateDecision refused = bucket.Take(t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 500ms);  // 2 tokens a second
}

TEST(TokenBucketTest, RefillsAtTheRateUpToTheBurst) {
  const Clock::time_point t0{};
  TokenBucket bucket({.per_second = 2, .burst = 3}, t0);
  for (int i = 0; i < 3; ++i) bucket.Take(t0);
  EXPECT_FALSE(bucket.Take(t0 + 400ms).allowed);
  EXPECT_TRUE(bucket.Take(t0 + 500ms).allowed);  // one token after half a second
  EXPECT_FALSE(bucket.Take(t0 + 500ms).allowed);
  // A long pause refills to the burst, never beyond.
  EXPECT_TRUE(bucket.FullAt(t0 + 1h));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Take(t0 + 1h).allowed) << i;
  EXPECT_FALSE(bucket.Take(t0 + 1h).allowed);
}

TEST(TokenBucketTest, AHumanTappingFastPassesAScriptDoesNot) {
  // The default like limit: 5 a second, 20 saved up.
  const RateLimit like{.per_second = 5, .burst = 20};
  const Clock::time_point t0{};
  TokenBucket human(like, t0);
  int refused = 0;
  for (int tap = 0; tap < 8 * 5; ++tap)
    refused += !human.Take(t0 + tap * 125ms).allowed;  // 8 taps/s for 5 s
  EXPECT_EQ(refused, 0);
  TokenBucket script(like, t0);
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) accepted += script.Take(t0 + i * 1ms).allowed;  // 1000/s for 1 s
  EXPECT_LE(accepted, 20 + 5 + 1);
}

TEST(TokenBucketTest, AZeroRateIsNoLimit) {
  TokenBucket bucket({.per_second = 0, .burst = 1}, Clock::time_point{});
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(bucket.Take(Clock::time_point{}).allowed);
}

TEST(TokenBucketTest, AClockGoingBackwardsAddsNoTokens) {
  const Clock::time_point t0 = Clock::time_point{} + 10s;
  TokenBucket bucket({.per_second = 1, .burst = 1}, t0);
  EXPECT_TRUE(bucket.Take(t0).allowed);
  EXPECT_FALSE(bucket.Take(t0 - 5s).allowed);
  EXPECT_FALSE(bucket.Take(t0).allowed);
}

TEST(KeyedRateLimiterTest, EachKeyHasItsOwnBucket) {
  KeyedRateLimiter limiter({.per_second = 1, .burst = 2}, 100);
  const Clock::time_point t0{};
  EXPECT_TRUE(limiter.Take("10.0.0.1", t0).allowed);
  EXPECT_TRUE(limiter.Take("10.0.0.1", t0).allowed);
  EXPECT_FALSE(limiter.Take("10.0.0.1", t0).allowed);
  EXPECT_TRUE(limiter.Take("10.0.0.2", t0).allowed);
  EXPECT_EQ(limiter.Take("10.0.0.1", t0).retry_after, 1000ms);
  EXPECT_TRUE(limiter.Take("10.0.0.1", t0 + 1s).allowed);
}

TEST(KeyedRateLimiterTest, KeepsAtMostMaxKeysForgettingTheLeastRecentlyUsed) {
  KeyedRateLimiter limiter({.per_second = 1, .burst = 1}, 3);
  const Clock::time_point t0{};
  for (const char* key : {"a", "b", "c"}) limiter.Take(key, t0);
  EXPECT_FALSE(limiter.Take("a", t0).allowed);  // "a" is now the most recently used
  limiter.Take("d", t0);                        // "b" goes
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_FALSE(limiter.Take("a", t0).allowed);  // still remembered, still empty
  EXPECT_FALSE(limiter.Take("c", t0).allowed);
  EXPECT_TRUE(limiter.Take("b", t0).allowed);  // forgotten: a full bucket again
  for (int i = 0; i < 100000; ++i) limiter.Take("key-" + std::to_string(i), t0);
  EXPECT_EQ(limiter.size(), 3u);
}

TEST(KeyedRateLimiterTest, ForgetsRefilledBucketsOnItsOwn) {
  KeyedRateLimiter limiter({.per_second = 10, .burst = 5}, 1000);
  const Clock::time_point t0{};
  for (int i = 0; i < 100; ++i) limiter.Take("burst-" + std::to_string(i), t0);
  EXPECT_EQ(limiter.size(), 100u);
  // After a second every bucket is full again; each call sweeps some from the cold end.
  for (int i = 0; i < 60; ++i) limiter.Take("later", t0 + 1s + i * 1ms);
  EXPECT_LT(limiter.size(), 100u);
  for (int i = 0; i < 60; ++i) limiter.Take("later", t0 + 2s + i * 1ms);
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(KeyedRateLimiterTest, ADisabledLimitKeepsNothing) {
  KeyedRateLimiter limiter({.per_second = 0, .burst = 1}, 10);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Take("x", Clock::time_point{}).allowed);
  EXPECT_EQ(limiter.size(), 0u);
}

}  // namespace
}  // namespace la
