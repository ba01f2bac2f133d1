#include "api/realtime/like_feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace la {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Sockets on polling sessions that nobody polls: what the feed sends stays in the
// session's queue, where the test reads it.
class LikeFeedTest : public ::testing::Test {
 protected:
  std::shared_ptr<SioSocket> Connect(const std::string& nsp) {
    auto session =
        std::make_shared<EioSession>(boost::asio::make_strand(io_), NewSessionId(),
                                     EioTransport::kPolling, options_, [](const std::string&) {});
    auto socket = std::make_shared<SioSocket>(nsp, nlohmann::json::object(), session,
                                              std::weak_ptr<SioClient>());
    socket->MarkConnected();
    sessions_[socket->id()] = session;
    return socket;
  }

  // The packets sent to `socket` since the last call, in order.
  std::vector<std::string> Sent(const std::shared_ptr<SioSocket>& socket) {
    io_.restart();
    io_.run();
    std::vector<std::string> packets;
    while (EioPacketText packet = sessions_.at(socket->id())->TakeQueuedPacket())
      packets.push_back(*packet);
    return packets;
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
  EioPacketText to_first = sessions_.at(first->id())->TakeQueuedPacket();
  EioPacketText to_second = sessions_.at(second->id())->TakeQueuedPacket();
  ASSERT_TRUE(to_first);
  EXPECT_EQ(*to_first, R"(42["statsUpdate",[{"likes":1,"streamId":"s"}]])");
  EXPECT_EQ(to_first.get(), to_second.get())
      << "the update was encoded once per dashboard, not once";
}

TEST_F(LikeFeedTest, ASubscriberIsAckedWithTheHigherOfTheReadAndHeldTotalsThenGetsLikeCount) {
  auto viewer = Connect("/live");
  ASSERT_TRUE(feed_.Subscribe(viewer, "s"));
  feed_.Publish({{"s", 4}, {"other", 9}});
  EXPECT_THAT(Sent(viewer), IsEmpty());

  feed_.ConfirmSubscription(viewer, "s", int64_t{2}, 7);  // read before the update was written
  EXPECT_THAT(Sent(viewer), ElementsAre(R"(43/live,7[{"likes":4,"streamId":"s"}])"));

  feed_.Publish({{"s", 5}});
  EXPECT_THAT(Sent(viewer), ElementsAre(R"(42/live,["likeCount",{"likes":5,"streamId":"s"}])"));
}

TEST_F(LikeFeedTest, AFailedReadIsAckedWithAnErrorAndTheHeldTotalFollows) {
  auto viewer = Connect("/live");
  ASSERT_TRUE(feed_.Subscribe(viewer, "s"));
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
    ASSERT_TRUE(feed_.Subscribe(socket, "s"));
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
    ASSERT_TRUE(feed_.Subscribe(socket, "s"));
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
    ASSERT_TRUE(feed_.Subscribe(viewer, "s" + std::to_string(i)));
  }
  EXPECT_FALSE(feed_.Subscribe(viewer, "one-too-many"));
  EXPECT_TRUE(feed_.Subscribe(viewer, "s0"));  // already subscribed: nothing new
  feed_.Unsubscribe(viewer->id(), "s1");
  EXPECT_TRUE(feed_.Subscribe(viewer, "one-too-many"));
}

}  // namespace
}  // namespace la
