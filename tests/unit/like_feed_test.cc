#include "api/realtime/like_feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <limits>

#include "socketio/internal/eio_session.h"
#include "socketio/internal/socket_link.h"

namespace la {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Sockets on polling sessions that nobody polls: what the feed sends stays in the
// session's queue, where the test reads it.
class LikeFeedTest : public ::testing::Test {
 protected:
  // A WebSocket session with no transport stands for a client that is behind: its packets
  // wait in its queue as behind a write in progress, where newer updates fold into them.
  std::shared_ptr<SioSocket> Connect(const std::string& nsp,
                                     EioTransport transport = EioTransport::kPolling) {
    auto session = std::make_shared<EioSession>(boost::asio::make_strand(io_), NewSessionId(),
                                                transport, options_, [](const std::string&) {});
    auto socket = SioSocketLink::Create(nsp, nlohmann::json::object(), session, {});
    SioSocketLink::MarkConnected(*socket);
    sessions_[socket->id()] = session;
    return socket;
  }

  // The packets sent to `socket` since the last call, in order.
  std::vector<std::string> Sent(const std::shared_ptr<SioSocket>& socket) {
    io_.restart();
    io_.run();
    std::vector<std::string> packets;
    while (EioPacketText packet = sessions_.at(socket->id())->outgoing()->TakeFront())
      packets.push_back(*packet);
    return packets;
  }

  // Runs what was sent, leaving it queued.
  void Deliver() {
    io_.restart();
    io_.run();
  }

  SubscribeOutcome Subscribe(const std::shared_ptr<SioSocket>& socket, const std::string& stream,
                             size_t max_reads = 8, std::optional<uint64_t> ack_id = std::nullopt) {
    return feed_.Subscribe(socket, stream, ack_id, max_reads).outcome;
  }

  boost::asio::io_context io_;
  EioOptions options_;
  std::map<std::string, std::shared_ptr<EioSession>> sessions_;
  LikeFeed feed_;
};

TEST_F(LikeFeedTest, ADashboardGetsItsSnapshotFirstWithTheTotalsHeldMeanwhileFoldedIn) {
  auto dashboard = Connect("/");
  feed_.AddDashboard(dashboard);
  feed_.Publish({{"a", 5}, {"c", 2}});  // arrives while the snapshot is being read
  EXPECT_THAT(Sent(dashboard), IsEmpty());

  feed_.SendSnapshot(dashboard->id(), {{"a", 3}, {"b", 1}});
  EXPECT_THAT(
      Sent(dashboard),
      ElementsAre(R"(42["statsUpdate",[{"likes":5,"streamId":"a"},{"likes":1,"streamId":"b"}]])",
                  R"(42["statsUpdate",[{"likes":2,"streamId":"c"}]])"));

  feed_.Publish({{"a", 6}});
  EXPECT_THAT(Sent(dashboard), ElementsAre(R"(42["statsUpdate",[{"likes":6,"streamId":"a"}]])"));
}

// After a Redis reconnect the updates published meanwhile are lost: each dashboard
// holds updates again and gets a fresh snapshot, without reconnecting.
TEST_F(LikeFeedTest, AfterAResubscriptionDashboardsGetAFreshSnapshotWithHeldTotals) {
  auto ready = Connect("/");
  auto still_loading = Connect("/");
  feed_.AddDashboard(ready);
  feed_.SendSnapshot(ready->id(), {{"a", 1}});
  EXPECT_THAT(Sent(ready), ElementsAre(R"(42["statsUpdate",[{"likes":1,"streamId":"a"}]])"));
  feed_.AddDashboard(still_loading);

  // (Redis was away: a -> 7 and b -> 2 were published to nobody.)
  EXPECT_THAT(feed_.HoldDashboardsForNewSnapshot(), ElementsAre(ready->id()));
  feed_.Publish({{"a", 8}});  // while the new snapshot is read
  EXPECT_THAT(Sent(ready), IsEmpty());
  feed_.SendSnapshot(ready->id(), {{"a", 7}, {"b", 2}});
  EXPECT_THAT(
      Sent(ready),
      ElementsAre(R"(42["statsUpdate",[{"likes":8,"streamId":"a"},{"likes":2,"streamId":"b"}]])"));
  feed_.Publish({{"b", 3}});
  EXPECT_THAT(Sent(ready), ElementsAre(R"(42["statsUpdate",[{"likes":3,"streamId":"b"}]])"));
}

TEST_F(LikeFeedTest, EveryDashboardGetsTheSameEncodedUpdate) {
  auto first = Connect("/");
  auto second = Connect("/");
  for (const auto& dashboard : {first, second}) {
    feed_.AddDashboard(dashboard);
    feed_.SendSnapshot(dashboard->id(), {});
    EXPECT_THAT(Sent(dashboard), ElementsAre(R"(42["statsUpdate",[]])"));
  }
  feed_.Publish({{"s", 1}});
  io_.restart();
  io_.run();
  EioPacketText to_first = sessions_.at(first->id())->outgoing()->TakeFront();
  EioPacketText to_second = sessions_.at(second->id())->outgoing()->TakeFront();
  ASSERT_TRUE(to_first);
  EXPECT_EQ(*to_first, R"(42["statsUpdate",[{"likes":1,"streamId":"s"}]])");
  EXPECT_EQ(to_first.get(), to_second.get())
      << "the update was encoded once per dashboard, not once";
}

TEST_F(LikeFeedTest, ASubscriberIsAckedWithTheHigherOfTheReadAndHeldTotalsThenGetsLikeCount) {
  auto viewer = Connect("/live");
  ASSERT_EQ(Subscribe(viewer, "s"), SubscribeOutcome::kRead);
  feed_.Publish({{"s", 4}, {"other", 9}});
  EXPECT_THAT(Sent(viewer), IsEmpty());

  feed_.ConfirmSubscription(viewer, "s", int64_t{2}, 7);  // read before the update was written
  EXPECT_THAT(Sent(viewer), ElementsAre(R"(43/live,7[{"likes":4,"streamId":"s"}])"));

  feed_.Publish({{"s", 5}});
  EXPECT_THAT(Sent(viewer), ElementsAre(R"(42/live,["likeCount",{"likes":5,"streamId":"s"}])"));
}

TEST_F(LikeFeedTest, AFailedReadIsAckedWithAnErrorAndTheHeldTotalFollows) {
  auto viewer = Connect("/live");
  ASSERT_EQ(Subscribe(viewer, "s"), SubscribeOutcome::kRead);
  feed_.Publish({{"s", 4}});
  feed_.ConfirmSubscription(viewer, "s", Status::Error("MongoDB is down"), 1);
  EXPECT_THAT(
      Sent(viewer),
      ElementsAre(
          R"(43/live,1[{"error":"the current total is unavailable: MongoDB is down","streamId":"s"}])",
          R"(42/live,["likeCount",{"likes":4,"streamId":"s"}])"));
}

TEST_F(LikeFeedTest, AdminSocketsSubscribeInTheirOwnNamespace) {
  auto admin = Connect("/");
  auto viewer = Connect("/live");
  for (const auto& socket : {admin, viewer}) {
    ASSERT_EQ(Subscribe(socket, "s"), SubscribeOutcome::kRead);
    feed_.ConfirmSubscription(socket, "s", int64_t{0}, std::nullopt);  // no ack asked for
  }
  feed_.Publish({{"s", 1}});
  EXPECT_THAT(Sent(admin), ElementsAre(R"(42["likeCount",{"likes":1,"streamId":"s"}])"));
  EXPECT_THAT(Sent(viewer), ElementsAre(R"(42/live,["likeCount",{"likes":1,"streamId":"s"}])"));
}

TEST_F(LikeFeedTest, UnsubscribedAndRemovedSocketsGetNothing) {
  auto leaving = Connect("/live");
  auto gone = Connect("/");
  for (const auto& socket : {leaving, gone}) {
    ASSERT_EQ(Subscribe(socket, "s"), SubscribeOutcome::kRead);
    feed_.ConfirmSubscription(socket, "s", int64_t{0}, std::nullopt);
  }
  feed_.AddDashboard(gone);
  feed_.SendSnapshot(gone->id(), {});
  Sent(gone);
  feed_.Unsubscribe(leaving->id(), "s");
  feed_.Remove(gone->id());
  feed_.Publish({{"s", 1}});
  EXPECT_THAT(Sent(leaving), IsEmpty());
  EXPECT_THAT(Sent(gone), IsEmpty());
}

TEST_F(LikeFeedTest, ASocketMayHoldOnlySoManySubscriptions) {
  auto viewer = Connect("/live");
  for (size_t i = 0; i < LikeFeed::kMaxSubscriptionsPerSocket; ++i) {
    ASSERT_EQ(Subscribe(viewer, "s" + std::to_string(i), 1000), SubscribeOutcome::kRead);
    feed_.ConfirmSubscription(viewer, "s" + std::to_string(i), int64_t{0}, std::nullopt);
  }
  EXPECT_EQ(Subscribe(viewer, "one-too-many"), SubscribeOutcome::kRefused);
  EXPECT_EQ(Subscribe(viewer, "s0"), SubscribeOutcome::kAnswered);  // already subscribed
  feed_.Unsubscribe(viewer->id(), "s1");
  EXPECT_EQ(Subscribe(viewer, "one-too-many"), SubscribeOutcome::kRead);
}

TEST_F(LikeFeedTest, SubscribingAgainToAHeldStreamIsAnsweredWithoutARead) {
  auto viewer = Connect("/live");
  ASSERT_EQ(Subscribe(viewer, "s", 8, 1), SubscribeOutcome::kRead);
  feed_.ConfirmSubscription(viewer, "s", int64_t{3}, 1);
  feed_.Publish({{"s", 5}});
  Sent(viewer);
  for (uint64_t ack = 2; ack < 2002; ++ack) {
    ASSERT_EQ(Subscribe(viewer, "s", 8, ack), SubscribeOutcome::kAnswered);
  }
  std::vector<std::string> acks = Sent(viewer);
  ASSERT_EQ(acks.size(), 2000u);
  EXPECT_EQ(acks.front(), R"(43/live,2[{"likes":5,"streamId":"s"}])");
}

TEST_F(LikeFeedTest, SubscribesWhileTheReadIsInFlightAreAnsweredByIt) {
  auto viewer = Connect("/live");
  ASSERT_EQ(Subscribe(viewer, "s", 8, 1), SubscribeOutcome::kRead);
  for (uint64_t ack = 2; ack < 2 + LikeFeed::kMaxDeferredAcks; ++ack) {
    ASSERT_EQ(Subscribe(viewer, "s", 8, ack), SubscribeOutcome::kDeferred);
  }
  EXPECT_EQ(Subscribe(viewer, "s", 8, 99), SubscribeOutcome::kRefused)
      << "deferred acks are bounded";
  EXPECT_TRUE(feed_.AwaitsConfirmation(viewer->id(), "s"));
  feed_.ConfirmSubscription(viewer, "s", int64_t{7}, 1);
  EXPECT_FALSE(feed_.AwaitsConfirmation(viewer->id(), "s"));
  std::vector<std::string> acks = Sent(viewer);
  ASSERT_EQ(acks.size(), 1 + LikeFeed::kMaxDeferredAcks);
  EXPECT_EQ(acks.front(), R"(43/live,1[{"likes":7,"streamId":"s"}])");
  EXPECT_EQ(acks.back(), R"(43/live,17[{"likes":7,"streamId":"s"}])");
}

TEST_F(LikeFeedTest, ASocketHasABoundOnReadsInFlight) {
  auto viewer = Connect("/live");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Subscribe(viewer, "s" + std::to_string(i), 3), SubscribeOutcome::kRead);
  EXPECT_EQ(Subscribe(viewer, "s3", 3), SubscribeOutcome::kRefused);
  feed_.ConfirmSubscription(viewer, "s0", int64_t{0}, std::nullopt);
  EXPECT_EQ(Subscribe(viewer, "s3", 3), SubscribeOutcome::kRead);
}

TEST_F(LikeFeedTest, AFailedReadIsRetriedByTheNextSubscribe) {
  auto viewer = Connect("/live");
  ASSERT_EQ(Subscribe(viewer, "s"), SubscribeOutcome::kRead);
  feed_.ConfirmSubscription(viewer, "s", Status::Error("MongoDB is down"), std::nullopt);
  EXPECT_EQ(Subscribe(viewer, "s"), SubscribeOutcome::kRead) << "no total known yet";
}

TEST_F(LikeFeedTest, ALeftSocketNoLongerAwaitsItsReadOrSnapshot) {
  auto viewer = Connect("/live");
  auto dashboard = Connect("/");
  ASSERT_EQ(Subscribe(viewer, "s"), SubscribeOutcome::kRead);
  feed_.AddDashboard(dashboard);
  EXPECT_TRUE(feed_.AwaitsSnapshot(dashboard->id()));
  feed_.Remove(viewer->id());
  feed_.Remove(dashboard->id());
  EXPECT_FALSE(feed_.AwaitsConfirmation(viewer->id(), "s"));
  EXPECT_FALSE(feed_.AwaitsSnapshot(dashboard->id()));
}

// A client that is behind gets one update per stream, at its latest total, folded in its
// queue from the structured totals (no packet is decoded); nothing overtakes an ack.
TEST_F(LikeFeedTest, ASubscriberThatIsBehindGetsOneLikeCountPerStreamAtItsLatestTotal) {
  auto viewer = Connect("/live", EioTransport::kWebSocket);
  for (const std::string stream : {"a", "b"}) {
    ASSERT_EQ(Subscribe(viewer, stream), SubscribeOutcome::kRead);
    feed_.ConfirmSubscription(viewer, stream, int64_t{0}, std::nullopt);
  }
  feed_.Publish({{"a", 1}});
  Deliver();
  feed_.Publish({{"b", 5}});
  Deliver();
  feed_.Publish({{"a", 3}});
  Deliver();
  feed_.Publish({{"b", 6}, {"a", 4}});
  EXPECT_THAT(Sent(viewer), ElementsAre(R"(42/live,["likeCount",{"likes":4,"streamId":"a"}])",
                                        R"(42/live,["likeCount",{"likes":6,"streamId":"b"}])"));
}

TEST_F(LikeFeedTest, ADashboardThatIsBehindGetsOneStatsUpdateWithTheLatestTotals) {
  auto dashboard = Connect("/", EioTransport::kWebSocket);
  feed_.AddDashboard(dashboard);
  feed_.SendSnapshot(dashboard->id(), {});
  feed_.Publish({{"a", 1}, {"b", 2}});
  Deliver();
  feed_.Publish({{"b", 3}, {"c", 1}});
  EXPECT_THAT(
      Sent(dashboard),
      ElementsAre(
          R"(42["statsUpdate",[]])",
          R"(42["statsUpdate",[{"likes":1,"streamId":"a"},{"likes":3,"streamId":"b"},{"likes":1,"streamId":"c"}]])"));
}

// Viewer counts go up and down: a dashboard that is behind gets one viewerCounts with each
// stream's newest count and the newest total; a subscriber one viewerCount per stream.
TEST_F(LikeFeedTest, AClientThatIsBehindGetsTheNewestViewerCountOfEachStream) {
  auto dashboard = Connect("/", EioTransport::kWebSocket);
  feed_.AddDashboard(dashboard);
  feed_.SendSnapshot(dashboard->id(), {});
  auto viewer = Connect("/live", EioTransport::kWebSocket);
  for (const std::string stream : {"a", "b"}) {
    ASSERT_EQ(Subscribe(viewer, stream), SubscribeOutcome::kRead);
    feed_.ConfirmSubscription(viewer, stream, int64_t{0}, std::nullopt);
  }
  feed_.PublishViewers({{"a", 5}, {"b", 2}}, {}, 7);
  Deliver();
  feed_.PublishViewers({{"a", 3}}, {}, 5);
  Deliver();
  feed_.PublishViewers({{"b", 4}, {"c", 1}}, {}, 8);
  EXPECT_THAT(
      Sent(dashboard),
      ElementsAre(
          R"(42["statsUpdate",[]])",
          R"(42["viewerCounts",{"streams":[{"streamId":"a","viewers":3},{"streamId":"b","viewers":4},{"streamId":"c","viewers":1}],"total":8}])"));
  EXPECT_THAT(Sent(viewer), ElementsAre(R"(42/live,["viewerCount",{"streamId":"a","viewers":3}])",
                                        R"(42/live,["viewerCount",{"streamId":"b","viewers":4}])"));
}

// Of the packets sent with PublishToDashboards (clusterTotals), a dashboard that is behind
// gets only the newest; its snapshot is never replaced.
TEST_F(LikeFeedTest, ADashboardThatIsBehindGetsOnlyTheNewestClusterTotals) {
  auto dashboard = Connect("/", EioTransport::kWebSocket);
  feed_.AddDashboard(dashboard);
  feed_.SendSnapshot(dashboard->id(), {{"a", 1}});
  for (const std::string likes : {"1", "2", "3"}) {
    feed_.PublishToDashboards(
        std::make_shared<const std::string>("42[\"clusterTotals\"," + likes + "]"));
    Deliver();
  }
  EXPECT_THAT(Sent(dashboard), ElementsAre(R"(42["statsUpdate",[{"likes":1,"streamId":"a"}]])",
                                           R"(42["clusterTotals",3])"));
}

// What a client's queue counts for a merged update bounds the packet it becomes: the queue's
// byte limit holds for what is written (the largest numbers, the longest stream ids).
TEST_F(LikeFeedTest, AMergedUpdateIsNoLargerThanWhatTheQueueCountedForIt) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const std::string long_id(128, 'x');
  auto dashboard = Connect("/", EioTransport::kWebSocket);
  feed_.AddDashboard(dashboard);
  feed_.SendSnapshot(dashboard->id(), {});
  auto viewer = Connect("/live", EioTransport::kWebSocket);
  ASSERT_EQ(Subscribe(viewer, long_id), SubscribeOutcome::kRead);
  feed_.ConfirmSubscription(viewer, long_id, int64_t{0}, std::nullopt);
  EXPECT_THAT(Sent(dashboard), ElementsAre(R"(42["statsUpdate",[]])"));
  for (int round = 0; round < 2; ++round) {  // the second round merges into the first
    feed_.Publish({{long_id, kMax - round}, {"s", kMax}});
    feed_.PublishViewers({{long_id, kMin}, {"s", kMax}}, {}, kMin + round);
    feed_.PublishToDashboards(std::make_shared<const std::string>(std::string(200, 'c')));
    Deliver();
  }
  for (const auto& socket : {dashboard, viewer}) {
    const std::shared_ptr<OutgoingQueue>& queue = sessions_.at(socket->id())->outgoing();
    size_t encoded = 0;
    const size_t counted = queue->bytes();
    const size_t packets = queue->size();
    while (EioPacketText packet = queue->TakeFront()) encoded += packet->size();
    EXPECT_LE(encoded, counted) << packets << " packets";
    EXPECT_EQ(packets, socket == dashboard ? 3u : 2u);
  }
}

// After a Redis resubscription each subscribed stream is read once, and every subscriber
// gets its total, never lower than one it has seen.
TEST_F(LikeFeedTest, RefreshedTotalsReachEverySubscriberAndNeverGoDown) {
  auto first = Connect("/live");
  auto second = Connect("/");
  for (const auto& viewer : {first, second}) {
    ASSERT_EQ(Subscribe(viewer, "s"), SubscribeOutcome::kRead);
    feed_.ConfirmSubscription(viewer, "s", int64_t{2}, std::nullopt);
  }
  ASSERT_EQ(Subscribe(first, "t"), SubscribeOutcome::kRead);
  feed_.ConfirmSubscription(first, "t", int64_t{9}, std::nullopt);
  std::vector<std::string> streams = feed_.SubscribedStreams();
  std::sort(streams.begin(), streams.end());
  EXPECT_THAT(streams, ElementsAre("s", "t"));

  feed_.RefreshTotal({"s", 7});
  feed_.RefreshTotal({"t", 5});  // read before a publish of 9 was folded in: 9 stays
  EXPECT_THAT(Sent(first), ElementsAre(R"(42/live,["likeCount",{"likes":7,"streamId":"s"}])",
                                       R"(42/live,["likeCount",{"likes":9,"streamId":"t"}])"));
  EXPECT_THAT(Sent(second), ElementsAre(R"(42["likeCount",{"likes":7,"streamId":"s"}])"));
}

}  // namespace
}  // namespace la
