// The Engine.IO v4 heartbeat ("Heartbeat" section of the protocol documentation): the server
// pings every pingInterval and gives the client pingTimeout to answer. Times are in ms from an
// arbitrary origin; the test-suite's server uses pingInterval 300 and pingTimeout 200.
#include "socketio/protocol/heartbeat.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

constexpr milliseconds kInterval(300);
constexpr milliseconds kTimeout(200);

Heartbeat::TimePoint At(int64_t ms) { return Heartbeat::TimePoint{} + milliseconds(ms); }

Heartbeat WebSocketSession() {
  return Heartbeat(kInterval, kTimeout, EioTransport::kWebSocket, At(0));
}
Heartbeat PollingSession() { return Heartbeat(kInterval, kTimeout, EioTransport::kPolling, At(0)); }

TEST(HeartbeatTest, FirstPingIsDueOneIntervalAfterTheHandshake) {
  Heartbeat heartbeat = WebSocketSession();
  EXPECT_EQ(heartbeat.next_check(), At(300));
  EXPECT_EQ(heartbeat.Check(At(0)), HeartbeatAction::kWait);
  EXPECT_EQ(heartbeat.Check(At(299)), HeartbeatAction::kWait);
  EXPECT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
  EXPECT_EQ(heartbeat.next_check(), At(500));                   // the pong deadline
  EXPECT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kWait);  // one ping at a time
}

TEST(HeartbeatTest, PongSchedulesTheNextPingOneIntervalLater) {
  Heartbeat heartbeat = WebSocketSession();
  ASSERT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
  heartbeat.OnPong(At(350));
  EXPECT_EQ(heartbeat.next_check(), At(650));
  EXPECT_EQ(heartbeat.Check(At(649)), HeartbeatAction::kWait);
  EXPECT_EQ(heartbeat.Check(At(650)), HeartbeatAction::kSendPing);
  EXPECT_FALSE(heartbeat.dead());
}

// Test-suite: three ping/pong rounds keep the session open.
TEST(HeartbeatTest, PingPongRoundsKeepTheSessionAlive) {
  Heartbeat heartbeat = WebSocketSession();
  int64_t now = 0;
  for (int round = 0; round < 3; ++round) {
    now = std::chrono::duration_cast<milliseconds>(heartbeat.next_check() - At(0)).count();
    ASSERT_EQ(heartbeat.Check(At(now)), HeartbeatAction::kSendPing) << "round " << round;
    heartbeat.OnPong(At(now + 10));
  }
  EXPECT_EQ(now, 300 + 310 + 310);
  EXPECT_FALSE(heartbeat.dead());
}

// Test-suite "closes the session upon ping timeout": no pong, dead at pingInterval +
// pingTimeout.
TEST(HeartbeatTest, NoPongWithinTheTimeoutKillsTheSession) {
  Heartbeat heartbeat = WebSocketSession();
  ASSERT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
  EXPECT_EQ(heartbeat.Check(At(499)), HeartbeatAction::kWait);
  EXPECT_EQ(heartbeat.Check(At(500)), HeartbeatAction::kClose);
  EXPECT_TRUE(heartbeat.dead());
  EXPECT_THAT(heartbeat.close_reason(), HasSubstr("ping timeout: no pong within 200 ms"));
}

TEST(HeartbeatTest, DeathIsFinal) {
  Heartbeat heartbeat = WebSocketSession();
  ASSERT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
  ASSERT_EQ(heartbeat.Check(At(500)), HeartbeatAction::kClose);
  heartbeat.OnPong(At(501));  // too late
  EXPECT_EQ(heartbeat.Check(At(502)), HeartbeatAction::kClose);
  EXPECT_TRUE(heartbeat.dead());
}

TEST(HeartbeatTest, LateTimerGivesTheClientItsFullTimeout) {
  Heartbeat heartbeat = WebSocketSession();
  ASSERT_EQ(heartbeat.Check(At(450)), HeartbeatAction::kSendPing);  // timer fired 150 ms late
  EXPECT_EQ(heartbeat.next_check(), At(650));
  EXPECT_EQ(heartbeat.Check(At(649)), HeartbeatAction::kWait);
  EXPECT_EQ(heartbeat.Check(At(650)), HeartbeatAction::kClose);
}

TEST(HeartbeatTest, UnsolicitedPongDoesNotPostponeThePing) {
  Heartbeat heartbeat = WebSocketSession();
  heartbeat.OnPong(At(250));
  EXPECT_EQ(heartbeat.next_check(), At(300));
  EXPECT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
}

TEST(HeartbeatTest, PollingSessionWithoutAnyGetDiesAfterIntervalPlusTimeout) {
  Heartbeat heartbeat = PollingSession();
  // A client that answers pings without ever polling (it cannot have seen them).
  ASSERT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
  heartbeat.OnPong(At(310));
  EXPECT_EQ(heartbeat.next_check(), At(500));
  EXPECT_EQ(heartbeat.Check(At(499)), HeartbeatAction::kWait);
  EXPECT_EQ(heartbeat.Check(At(500)), HeartbeatAction::kClose);
  EXPECT_THAT(heartbeat.close_reason(), HasSubstr("poll timeout: no GET request for 500 ms"));
}

TEST(HeartbeatTest, PendingGetKeepsAPollingSessionAlive) {
  Heartbeat heartbeat = PollingSession();
  heartbeat.OnPollStarted();  // held open by the server: long-polling
  ASSERT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
  heartbeat.OnPollFinished(At(301));  // the ping is the response
  heartbeat.OnPollStarted();
  heartbeat.OnPong(At(305));
  EXPECT_EQ(heartbeat.next_check(), At(605));  // no poll deadline while a GET is pending
  ASSERT_EQ(heartbeat.Check(At(605)), HeartbeatAction::kSendPing);
  heartbeat.OnPollFinished(At(606));
  heartbeat.OnPong(At(610));
  // The client stops polling: dead pingInterval + pingTimeout after its last GET ended.
  EXPECT_EQ(heartbeat.next_check(), At(910));  // the next ping comes first
  ASSERT_EQ(heartbeat.Check(At(910)), HeartbeatAction::kSendPing);
  EXPECT_EQ(heartbeat.next_check(), At(1106));
  EXPECT_EQ(heartbeat.Check(At(1105)), HeartbeatAction::kWait);
  EXPECT_EQ(heartbeat.Check(At(1106)), HeartbeatAction::kClose);
  EXPECT_THAT(heartbeat.close_reason(), HasSubstr("poll timeout"));
}

TEST(HeartbeatTest, UpgradeToWebSocketStopsWatchingPolls) {
  Heartbeat heartbeat = PollingSession();
  heartbeat.OnUpgradedToWebSocket();
  ASSERT_EQ(heartbeat.Check(At(300)), HeartbeatAction::kSendPing);
  heartbeat.OnPong(At(310));
  EXPECT_EQ(heartbeat.next_check(), At(610));
  EXPECT_EQ(heartbeat.Check(At(600)), HeartbeatAction::kWait);
  EXPECT_FALSE(heartbeat.dead());
}

}  // namespace
}  // namespace la
