// An Engine.IO session as its transports see it: what it asks of them (flush, pause,
// retire, abort) while a polling session is upgraded, abandons a probe, or closes, with
// fake transports behind the SessionTransport seam.
#include "socketio/internal/eio_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>

namespace la {
namespace {

using ::testing::ElementsAre;

// Records what the session asks; an abort also records what a held request would get.
class FakeTransport : public SessionTransport {
 public:
  explicit FakeTransport(std::shared_ptr<OutgoingQueue> outgoing)
      : outgoing_(std::move(outgoing)) {}
  void Flush() override { calls.push_back("flush"); }
  void SetPaused(bool paused) override { calls.push_back(paused ? "pause" : "resume"); }
  void Retire() override { calls.push_back("retire"); }
  void Abort() override {
    calls.push_back("abort");
    if (!outgoing_->empty()) calls.push_back("answer " + outgoing_->TakeAllAsPayload());
  }
  std::vector<std::string> calls;

 private:
  std::shared_ptr<OutgoingQueue> outgoing_;
};

class Listener : public EioSessionListener {
 public:
  void OnMessage(std::string_view data, bool) override { messages.emplace_back(data); }
  void OnClose(std::string_view reason) override { closed = reason; }
  std::vector<std::string> messages;
  std::string closed;
};

class EioSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session_ =
        std::make_shared<EioSession>(boost::asio::make_strand(io_), "sid-1", EioTransport::kPolling,
                                     options_, [this](const std::string& sid) { ended_ = sid; });
    polling_ = std::make_shared<FakeTransport>(session_->outgoing());
    session_->Attach(polling_);
    session_->Start(listener_);
  }

  boost::asio::io_context io_;
  EioOptions options_;
  std::shared_ptr<EioSession> session_;
  std::shared_ptr<FakeTransport> polling_;
  std::shared_ptr<Listener> listener_ = std::make_shared<Listener>();
  std::string ended_;
};

TEST_F(EioSessionTest, AnUpgradePausesThenRetiresPollingAndSendsOverTheProbe) {
  EXPECT_TRUE(session_->CanUpgrade());
  auto probe = std::make_shared<FakeTransport>(session_->outgoing());
  session_->BeginUpgrade(probe);
  EXPECT_FALSE(session_->CanUpgrade()) << "a second probe while one is in progress";
  session_->OnProbeAnswered();
  EXPECT_TRUE(session_->OnUpgrade(*probe));
  EXPECT_THAT(polling_->calls, ElementsAre("pause", "retire"));

  session_->SendOnLane(std::make_shared<const std::string>("4hello"));
  EXPECT_THAT(probe->calls, ElementsAre("flush"));
  EXPECT_EQ(*session_->outgoing()->TakeFront(), "4hello");
  EXPECT_FALSE(session_->CanUpgrade()) << "upgraded sessions take no probe";
}

TEST_F(EioSessionTest, AnAbandonedProbeLeavesTheSessionPolling) {
  auto probe = std::make_shared<FakeTransport>(session_->outgoing());
  session_->BeginUpgrade(probe);
  session_->OnProbeAnswered();
  session_->OnTransportEnded(*probe, "the probe timed out");
  EXPECT_THAT(polling_->calls, ElementsAre("pause", "resume"));
  EXPECT_TRUE(session_->CanUpgrade());
  EXPECT_FALSE(session_->OnUpgrade(*probe)) << "an abandoned probe cannot complete the upgrade";
  EXPECT_TRUE(ended_.empty());
}

TEST_F(EioSessionTest, AGracefulCloseQueuesTheClosePacketAndEndsWhenItIsDelivered) {
  session_->SendOnLane(std::make_shared<const std::string>("4bye"));
  session_->Close("the server is shutting down");
  io_.poll();
  EXPECT_EQ(listener_->closed, "the server is shutting down");
  EXPECT_TRUE(session_->outgoing()->closed());
  EXPECT_EQ(session_->outgoing()->TakeAllAsPayload(),
            "4bye\x1e"
            "1");
  EXPECT_TRUE(ended_.empty()) << "the session waits for its last packet to be delivered";

  session_->OnTransportEnded(*polling_, "the close packet was delivered");
  EXPECT_EQ(ended_, "sid-1");
  EXPECT_THAT(polling_->calls, ElementsAre("flush", "flush", "abort"));
}

TEST_F(EioSessionTest, TheClientsClosePacketEndsTheSessionAndAHeldPollGetsANoop) {
  session_->OnPacket({EioPacketType::kClose, "", false});
  EXPECT_THAT(polling_->calls, ElementsAre("abort", "answer 6"));
  EXPECT_EQ(listener_->closed, "the client closed the session");
  EXPECT_EQ(ended_, "sid-1");
}

TEST_F(EioSessionTest, ATransportThatBreaksEndsTheSessionAndAHeldPollGetsTheClosePacket) {
  session_->OnPacket({EioPacketType::kMessage, "2[\"hi\"]", false});
  EXPECT_THAT(listener_->messages, ElementsAre("2[\"hi\"]"));
  session_->OnTransportEnded(*polling_, "two polling GET requests at once");
  EXPECT_THAT(polling_->calls, ElementsAre("abort", "answer 1"));
  EXPECT_EQ(listener_->closed, "two polling GET requests at once");
  session_->OnPacket({EioPacketType::kMessage, "2[\"late\"]", false});
  EXPECT_THAT(listener_->messages, ElementsAre("2[\"hi\"]"))
      << "nothing is delivered after the end";
}

// The next ping is due ping_interval after a pong, also when the ping timeout is the longer
// of the two: the timer that waited for the pong's deadline is moved up.
TEST_F(EioSessionTest, ThePingAfterAPongComesAPingIntervalLaterWhenTheTimeoutIsLonger) {
  EioOptions options;
  options.ping_interval = std::chrono::milliseconds(20);
  options.ping_timeout = std::chrono::seconds(60);
  auto session =
      std::make_shared<EioSession>(boost::asio::make_strand(io_), "sid-2", EioTransport::kWebSocket,
                                   options, [](const std::string&) {});
  session->Attach(std::make_shared<FakeTransport>(session->outgoing()));
  session->outgoing()->Clear();  // the open packet
  session->Start(std::make_shared<Listener>());
  // The next packet the session queues, or nullptr after 30 s (half the ping timeout).
  auto next_packet = [&]() -> EioPacketText {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (session->outgoing()->empty() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return session->outgoing()->TakeFront();
  };
  for (int ping = 1; ping <= 2; ++ping) {
    EioPacketText packet = next_packet();
    ASSERT_TRUE(packet) << "no ping " << ping << " within 30 s";
    EXPECT_EQ(*packet, "2");
    session->OnPacket({EioPacketType::kPong, "", false});
  }
  session->OnPacket({EioPacketType::kClose, "", false});
  io_.poll();
}

}  // namespace
}  // namespace la
