#include "tools/loadgen/arrival_schedule.h"

#include <gtest/gtest.h>

#include <vector>

namespace la {
namespace {

using std::chrono::milliseconds;

const LoadClock::time_point kStart = LoadClock::time_point() + std::chrono::hours(1);

TEST(ArrivalScheduleTest, HandsOutOneArrivalPerIntervalWhateverTheClaimTime) {
  // 100/s for 50 ms: due at 0, 10, 20, 30, 40 ms.
  ArrivalSchedule schedule(kStart, 100.0, kStart + milliseconds(50));
  EXPECT_EQ(schedule.total(), 5u);
  std::vector<LoadClock::time_point> due;
  // Claimed early (a free connection waits for it) or late (all were busy): the
  // due times stay those of the fixed rate.
  const LoadClock::time_point claim_times[] = {kStart, kStart, kStart + milliseconds(35),
                                               kStart + milliseconds(36),
                                               kStart + milliseconds(49)};
  for (LoadClock::time_point now : claim_times) {
    std::optional<LoadClock::time_point> next = schedule.Claim(now);
    ASSERT_TRUE(next.has_value());
    due.push_back(*next);
  }
  for (size_t i = 0; i < due.size(); ++i) EXPECT_EQ(due[i], kStart + milliseconds(10 * i)) << i;
  EXPECT_EQ(schedule.Claim(kStart + milliseconds(49)), std::nullopt) << "all five are claimed";
  EXPECT_EQ(schedule.Unclaimed(), 0u);
}

TEST(ArrivalScheduleTest, WhatIsUnclaimedAtTheEndIsNeverSentAndIsCounted) {
  ArrivalSchedule schedule(kStart, 1000.0, kStart + milliseconds(100));
  EXPECT_EQ(schedule.total(), 100u);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(schedule.Claim(kStart + milliseconds(i)).has_value());
  // The client fell behind: at the end 70 arrivals were never claimed.
  EXPECT_EQ(schedule.Claim(kStart + milliseconds(100)), std::nullopt);
  EXPECT_EQ(schedule.Unclaimed(), 70u);
}

TEST(ArrivalScheduleTest, TheLastArrivalIsBeforeTheEnd) {
  // 3/s over exactly 1 s: 0, 1/3, 2/3 s; not a fourth at 1 s.
  ArrivalSchedule schedule(kStart, 3.0, kStart + std::chrono::seconds(1));
  EXPECT_EQ(schedule.total(), 3u);
  ArrivalSchedule empty(kStart, 10.0, kStart);
  EXPECT_EQ(empty.total(), 0u);
  EXPECT_EQ(empty.Claim(kStart - milliseconds(1)), std::nullopt);
}

TEST(ArrivalScheduleTest, AFractionalRateKeepsItsAverage) {
  // 2,500.5/s for 10 s (a thread's share of an odd total rate).
  ArrivalSchedule schedule(kStart, 2500.5, kStart + std::chrono::seconds(10));
  EXPECT_EQ(schedule.total(), 25005u);
  LoadClock::time_point last{};
  for (uint64_t i = 0; i < schedule.total(); ++i) {
    std::optional<LoadClock::time_point> next = schedule.Claim(kStart);
    ASSERT_TRUE(next.has_value());
    ASSERT_GE(*next, last) << "due times never go back";
    last = *next;
  }
  EXPECT_LT(last, kStart + std::chrono::seconds(10));
}

}  // namespace
}  // namespace la
