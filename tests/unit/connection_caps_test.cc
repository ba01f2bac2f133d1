#include "core/requests/connection_caps.h"

#include <gtest/gtest.h>

namespace la {
namespace {

TEST(ConnectionCapsTest, CapsEachAddressAndTheTotal) {
  ConnectionCaps caps(3, 2);
  EXPECT_EQ(caps.TryAcquire("10.0.0.1"), CapDecision::kAdmitted);
  EXPECT_EQ(caps.TryAcquire("10.0.0.1"), CapDecision::kAdmitted);
  EXPECT_EQ(caps.TryAcquire("10.0.0.1"), CapDecision::kAddressCapReached);
  EXPECT_EQ(caps.TryAcquire("10.0.0.2"), CapDecision::kAdmitted);
  EXPECT_EQ(caps.TryAcquire("10.0.0.3"), CapDecision::kGlobalCapReached);
  EXPECT_EQ(caps.total(), 3u);
  EXPECT_EQ(caps.of("10.0.0.1"), 2u);
  caps.Release("10.0.0.1");
  EXPECT_EQ(caps.TryAcquire("10.0.0.3"), CapDecision::kAdmitted);
  EXPECT_EQ(DescribeCapRefusal(CapDecision::kAddressCapReached, "sessions", "10.0.0.1", caps),
            "too many sessions from 10.0.0.1 (limit 2)");
}

TEST(ConnectionCapsTest, ForgetsAnAddressOnceItHoldsNothing) {
  ConnectionCaps caps(0, 1);
  EXPECT_EQ(caps.TryAcquire("a"), CapDecision::kAdmitted);
  caps.Release("a");
  EXPECT_EQ(caps.of("a"), 0u);
  EXPECT_EQ(caps.total(), 0u);
  EXPECT_EQ(caps.TryAcquire("a"), CapDecision::kAdmitted);
}

TEST(ConnectionCapsTest, SlotsWithoutAnAddressCountOnlyTowardsTheTotal) {
  ConnectionCaps caps(5, 1);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(caps.TryAcquire("127.0.0.1", false), CapDecision::kAdmitted);
  EXPECT_EQ(caps.TryAcquire("10.0.0.1"), CapDecision::kGlobalCapReached);
  caps.Release("127.0.0.1", false);
  EXPECT_EQ(caps.TryAcquire("10.0.0.1"), CapDecision::kAdmitted);
  EXPECT_EQ(caps.of("127.0.0.1"), 0u);
}

TEST(ConnectionCapsTest, ZeroMeansNoCap) {
  ConnectionCaps caps(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(caps.TryAcquire("a"), CapDecision::kAdmitted);
  EXPECT_EQ(caps.of("a"), 1000u);
}

}  // namespace
}  // namespace la
