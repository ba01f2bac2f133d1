#include "socketio/internal/polling_transport.h"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "async/blocking.h"

namespace la {

namespace asio = boost::asio;

PollingTransport::PollingTransport(EioLane lane, const EioOptions& options,
                                   std::weak_ptr<TransportSink> sink,
                                   std::shared_ptr<OutgoingQueue> outgoing)
    : lane_(std::move(lane)),
      options_(options),
      sink_(std::move(sink)),
      outgoing_(std::move(outgoing)) {}

asio::awaitable<PollResult> PollingTransport::Poll() {
  auto start = [self = shared_from_this()](Reply reply) {
    asio::post(self->lane_,
               [self, reply = std::move(reply)]() mutable { self->StartPoll(std::move(reply)); });
  };
  return async::AwaitCallback<PollResult>(std::move(start));
}

asio::awaitable<PollResult> PollingTransport::Push(std::string body) {
  // Two POSTs handled at once mean a broken or hostile client (the reference client
  // sends one at a time); the reference server closes the session.
  const bool overlapping = push_in_flight_.exchange(true);
  auto start = [self = shared_from_this(), body = std::move(body), overlapping](Reply reply) {
    asio::post(self->lane_, [self, body = std::move(body), overlapping, reply = std::move(reply)] {
      if (overlapping) {
        self->Fail("two polling POST requests at once");
        reply(EioErrorCode::kBadRequest);
        return;
      }
      PollResult result = self->HandlePush(body);
      self->push_in_flight_ = false;
      reply(std::move(result));
    });
  };
  return async::AwaitCallback<PollResult>(std::move(start));
}

void PollingTransport::StartPoll(Reply reply) {
  if (state_ == State::kClosed) return reply(EioErrorCode::kUnknownSid);
  if (state_ == State::kRetired) return reply(EioErrorCode::kBadRequest);
  if (held_poll_) {
    // The reference server answers the second GET with an error and ends the session;
    // the first GET gets the close packet.
    reply(EioErrorCode::kBadRequest);
    return Fail("two polling GET requests at once");
  }
  held_poll_ = std::move(reply);
  if (auto sink = sink_.lock()) sink->OnPollHeld(true);
  if (paused_ && outgoing_->empty()) return AnswerPollWhilePaused();
  FlushPoll();
}

PollResult PollingTransport::HandlePush(const std::string& body) {
  if (state_ == State::kClosed) return EioErrorCode::kUnknownSid;
  if (state_ == State::kRetired) return EioErrorCode::kBadRequest;
  if (size_t packets = 1 + std::count(body.begin(), body.end(), kPayloadSeparator);
      packets > options_.max_packets_per_payload) {
    Fail("a polling body of " + std::to_string(packets) + " packets, more than " +
         std::to_string(options_.max_packets_per_payload));
    return EioErrorCode::kBadRequest;
  }
  Result<std::vector<EioPacket>> packets = DecodePayload(body);
  if (!packets.ok()) {
    Fail("malformed polling body: " + packets.status().message());
    return EioErrorCode::kBadRequest;
  }
  for (const EioPacket& packet : *packets) {
    auto sink = sink_.lock();
    if (!sink || state_ == State::kClosed) break;
    sink->OnPacket(packet);
  }
  return std::string("ok");
}

void PollingTransport::Flush() {
  if (!held_poll_ || flush_posted_) return;
  // Packets queued in the same turn go out in one response.
  flush_posted_ = true;
  asio::post(lane_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->FlushPoll();
  });
}

void PollingTransport::SetPaused(bool paused) {
  paused_ = paused;
  if (paused_ && held_poll_) AnswerPollWhilePaused();
}

void PollingTransport::AnswerPollWhilePaused() {
  // As the reference server does, 100 ms later: a noop if "5" is still awaited, so that
  // the client can pause polling; an error if the session upgraded meanwhile (a client
  // may send "2probe" and "5" back to back, then poll).
  pause_timer_.emplace(lane_, std::chrono::milliseconds(100));
  pause_timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->FlushPoll();
  });
}

void PollingTransport::FlushPoll() {
  if (!held_poll_ || state_ != State::kActive) return;
  if (outgoing_->empty()) {
    // While a probed WebSocket waits for "5", the client must be able to pause polling.
    if (paused_) ReplyToPoll(*EncodedNoop());
    return;
  }
  ReplyToPoll(outgoing_->TakeAllAsPayload());
  if (outgoing_->closed()) {
    // The close packet was in this body: the session is over.
    if (auto sink = sink_.lock()) sink->OnTransportEnded(*this, "the close packet was delivered");
  }
}

void PollingTransport::ReplyToPoll(PollResult result) {
  Reply reply = std::move(held_poll_);
  held_poll_ = nullptr;
  if (auto sink = sink_.lock()) sink->OnPollHeld(false);
  reply(std::move(result));
}

void PollingTransport::Retire() {
  state_ = State::kRetired;
  if (held_poll_) ReplyToPoll(EioErrorCode::kBadRequest);
}

void PollingTransport::Abort() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if (pause_timer_) pause_timer_->cancel();
  if (!held_poll_) return;
  ReplyToPoll(outgoing_->empty() ? *EncodedClose() : outgoing_->TakeAllAsPayload());
}

void PollingTransport::Fail(const std::string& reason) {
  if (auto sink = sink_.lock()) sink->OnTransportEnded(*this, reason);
}

}  // namespace la
