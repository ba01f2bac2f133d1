#include "core/retry_backoff.h"

#include <gtest/gtest.h>

#include <chrono>

namespace la {
namespace {

using std::chrono::milliseconds;

TEST(RetryBackoffTest, DoublesFromInitialUpToTheCap) {
  RetryBackoff backoff(milliseconds(100), milliseconds(5000));
  const milliseconds expected[] = {milliseconds(100),  milliseconds(200),  milliseconds(400),
                                   milliseconds(800),  milliseconds(1600), milliseconds(3200),
                                   milliseconds(5000), milliseconds(5000)};
  for (milliseconds wait : expected) EXPECT_EQ(backoff.Failed(), wait);
  EXPECT_EQ(backoff.consecutive_failures(), 8);
}

TEST(RetryBackoffTest, SuccessStartsOverAtInitial) {
  RetryBackoff backoff(milliseconds(100), milliseconds(5000));
  backoff.Failed();
  backoff.Failed();
  backoff.Succeeded();
  EXPECT_EQ(backoff.consecutive_failures(), 0);
  EXPECT_EQ(backoff.Failed(), milliseconds(100));
}

TEST(RetryBackoffTest, CapBelowInitialWaitsInitial) {
  RetryBackoff backoff(milliseconds(100), milliseconds(10));
  EXPECT_EQ(backoff.Failed(), milliseconds(100));
  EXPECT_EQ(backoff.Failed(), milliseconds(100));
}

}  // namespace
}  // namespace la
