#include "socketio/eio_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <random>

#include "http/blocking.h"
#include "socketio/websocket_transport.h"

namespace la {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Packets the server sends on its own, encoded once for every session.
EioPacketText Encoded(EioPacketType type) {
  return std::make_shared<const std::string>(EncodePacketText({type, "", false}));
}
const EioPacketText& PingPacket() {
  static const EioPacketText packet = Encoded(EioPacketType::kPing);
  return packet;
}
const EioPacketText& ClosePacket() {
  static const EioPacketText packet = Encoded(EioPacketType::kClose);
  return packet;
}
const EioPacketText& NoopPacket() {
  static const EioPacketText packet = Encoded(EioPacketType::kNoop);
  return packet;
}

}  // namespace

std::string NewSessionId() {
  thread_local std::random_device random;
  std::array<uint8_t, kSidRandomBytes> bytes;
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
  return EncodeSid(bytes);
}

EioSession::EioSession(Strand strand, std::string sid, EioTransport transport,
                       const EioOptions& options, EndedCallback on_ended)
    : strand_(std::move(strand)),
      sid_(std::move(sid)),
      options_(options),
      on_ended_(std::move(on_ended)),
      carrier_(transport == EioTransport::kPolling ? Carrier::kPolling : Carrier::kWebSocket),
      heartbeat_(options.ping_interval, options.ping_timeout, transport, Clock::now()),
      heartbeat_timer_(strand_) {}

std::string EioSession::OpenPacket() const {
  std::vector<std::string> upgrades;
  if (carrier_ == Carrier::kPolling) upgrades.push_back("websocket");
  return EncodeOpenPacket(sid_, upgrades, options_.ping_interval, options_.ping_timeout,
                          options_.max_payload);
}

void EioSession::Start(std::shared_ptr<EioSessionListener> listener) {
  listener_ = std::move(listener);
  ScheduleHeartbeat();
}

void EioSession::Send(EioPacketText packet, const EioMerge* merge) {
  asio::dispatch(strand_, [self = shared_from_this(), packet = std::move(packet), merge]() mutable {
    self->Enqueue(std::move(packet), merge);
  });
}

void EioSession::SendOnStrand(EioPacketText packet, const EioMerge* merge) {
  Enqueue(std::move(packet), merge);
}

void EioSession::Close(std::string reason) {
  asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    self->BeginClose(std::move(reason));
  });
}

asio::awaitable<PollResult> EioSession::Poll() {
  auto start = [self = shared_from_this()](std::function<void(PollResult)> reply) {
    asio::post(self->strand_,
               [self, reply = std::move(reply)]() mutable { self->StartPoll(std::move(reply)); });
  };
  return http::AwaitCallback<PollResult>(std::move(start));
}

asio::awaitable<PollResult> EioSession::Push(const std::string& body) {
  // Two POSTs handled at once mean a broken or hostile client (the reference client
  // sends one at a time); the reference server closes the session.
  const bool overlapping = push_in_flight_.exchange(true);
  auto start = [self = shared_from_this(), body,
                overlapping](std::function<void(PollResult)> reply) {
    asio::post(self->strand_, [self, body, overlapping, reply = std::move(reply)] {
      if (overlapping) {
        self->CloseNow("two polling POST requests at once", Initiator::kServer);
        reply(EioErrorCode::kBadRequest);
        return;
      }
      PollResult result = self->HandlePush(body);
      self->push_in_flight_ = false;
      reply(std::move(result));
    });
  };
  return http::AwaitCallback<PollResult>(std::move(start));
}

void EioSession::StartPoll(std::function<void(PollResult)> reply) {
  if (phase_ == Phase::kClosed) return reply(EioErrorCode::kUnknownSid);
  if (carrier_ == Carrier::kWebSocket)
    return reply(EioErrorCode::kBadRequest);  // upgraded: no more polling
  if (pending_poll_) {
    // The reference server answers the second GET with an error and ends the session;
    // the first GET gets the close packet.
    reply(EioErrorCode::kBadRequest);
    CloseNow("two polling GET requests at once", Initiator::kServer);
    return;
  }
  heartbeat_.OnPollStarted();
  pending_poll_ = std::move(reply);
  if (carrier_ == Carrier::kUpgrading && probe_answered_ && queue_.empty()) {
    return AnswerPollDuringUpgrade();
  }
  FlushPoll();
}

void EioSession::AnswerPollDuringUpgrade() {
  // As the reference server does, 100 ms later: a noop if "5" is still awaited, so that
  // the client can pause polling; an error if the session upgraded meanwhile (a client
  // may send "2probe" and "5" back to back, then poll).
  upgrade_poll_timer_.emplace(strand_, std::chrono::milliseconds(100));
  upgrade_poll_timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->FlushPoll();
  });
}

PollResult EioSession::HandlePush(const std::string& body) {
  if (phase_ == Phase::kClosed) return EioErrorCode::kUnknownSid;
  if (carrier_ == Carrier::kWebSocket) return EioErrorCode::kBadRequest;
  if (size_t packets = 1 + std::count(body.begin(), body.end(), kPayloadSeparator);
      packets > options_.max_packets_per_payload) {
    CloseNow("a polling body of " + std::to_string(packets) + " packets, more than " +
                 std::to_string(options_.max_packets_per_payload),
             Initiator::kServer);
    return EioErrorCode::kBadRequest;
  }
  Result<std::vector<EioPacket>> packets = DecodePayload(body);
  if (!packets.ok()) {
    CloseNow("malformed polling body: " + packets.status().message(), Initiator::kServer);
    return EioErrorCode::kBadRequest;
  }
  for (const EioPacket& packet : *packets) {
    if (phase_ == Phase::kClosed) break;
    OnPacket(packet);
  }
  return std::string("ok");
}

void EioSession::OnPacket(const EioPacket& packet) {
  switch (packet.type) {
    case EioPacketType::kPong:
      heartbeat_.OnPong(Clock::now());
      break;
    case EioPacketType::kPing:  // v4 clients do not ping, but an answer does no harm
      Enqueue(std::make_shared<const std::string>(
          EncodePacketText({EioPacketType::kPong, packet.data, false})));
      break;
    case EioPacketType::kMessage:
      if (phase_ == Phase::kOpen && listener_) listener_->OnMessage(packet.data, packet.binary);
      break;
    case EioPacketType::kClose:
      CloseNow("the client closed the session", Initiator::kClient);
      break;
    case EioPacketType::kNoop:
      break;
    case EioPacketType::kOpen:
    case EioPacketType::kUpgrade:
      CloseNow("the client sent packet type " + std::to_string(static_cast<int>(packet.type)) +
                   ", which only a server or an upgrade probe may send",
               Initiator::kServer);
      break;
  }
}

bool EioSession::MergeIntoWaiting(const EioPacketText& packet, const EioMerge& merge) {
  std::span<Queued> waiting = queue_.waiting();
  for (auto it = waiting.rbegin(); it != waiting.rend() && it->merge == &merge; ++it) {
    EioPacketText merged = merge(*it->text, *packet);
    if (!merged) continue;
    queued_bytes_ = queued_bytes_ - it->text->size() + merged->size();
    it->text = std::move(merged);
    return true;
  }
  return false;
}

void EioSession::Enqueue(EioPacketText packet, const EioMerge* merge) {
  if (phase_ != Phase::kOpen || overflowed_) return;
  // The queue only holds packets behind a write in progress over WebSocket: this client is
  // behind, so it gets the newest totals merged in, not one more stale frame.
  if (merge && carrier_ == Carrier::kWebSocket && MergeIntoWaiting(packet, *merge)) return;
  if (queued_bytes_ + packet->size() > options_.max_buffered_bytes) {
    // Closing here could re-enter whoever is sending; close from a fresh handler.
    overflowed_ = true;
    std::string reason = "the client does not read fast enough: " + std::to_string(queued_bytes_) +
                         " bytes queued, limit " + std::to_string(options_.max_buffered_bytes);
    asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
      spdlog::warn("engine.io session {}: {}", self->sid_, reason);
      self->CloseNow(std::move(reason), Initiator::kServer);
    });
    return;
  }
  queued_bytes_ += packet->size();
  queue_.push_back({std::move(packet), merge});
  if (carrier_ == Carrier::kWebSocket) {
    websocket_->Wake();
  } else if (pending_poll_ && !flush_posted_) {
    // Packets queued in the same turn go out in one response.
    flush_posted_ = true;
    asio::post(strand_, [self = shared_from_this()] {
      self->flush_posted_ = false;
      self->FlushPoll();
    });
  }
}

EioPacketText EioSession::TakeQueuedPacket() {
  if (queue_.empty()) return nullptr;
  EioPacketText packet = queue_.pop_front().text;
  queued_bytes_ -= packet->size();
  return packet;
}

void EioSession::FlushPoll() {
  if (!pending_poll_) return;
  if (queue_.empty()) {
    // While a probed WebSocket waits for "5", the client must be able to pause polling.
    if (carrier_ == Carrier::kUpgrading && probe_answered_) ReplyToPoll(*NoopPacket());
    return;
  }
  std::string body;
  body.reserve(queued_bytes_ + queue_.size());
  for (const Queued& queued : queue_.waiting()) {
    if (!body.empty()) body += kPayloadSeparator;
    body += *queued.text;
  }
  queue_.clear();
  queued_bytes_ = 0;
  ReplyToPoll(std::move(body));
  if (phase_ == Phase::kClosing) Finish();  // the close packet was in this body
}

void EioSession::ReplyToPoll(PollResult result) {
  std::function<void(PollResult)> reply = std::move(pending_poll_);
  pending_poll_ = nullptr;
  heartbeat_.OnPollFinished(Clock::now());
  reply(std::move(result));
}

void EioSession::ScheduleHeartbeat() {
  heartbeat_timer_.expires_at(heartbeat_.next_check());
  heartbeat_timer_.async_wait(
      [self = shared_from_this()](const boost::system::error_code&) { self->OnHeartbeatTimer(); });
}

void EioSession::OnHeartbeatTimer() {
  if (phase_ == Phase::kClosed) return;  // Finish cancelled the timer
  switch (heartbeat_.Check(Clock::now())) {
    case HeartbeatAction::kWait:
      break;
    case HeartbeatAction::kSendPing:
      if (phase_ == Phase::kOpen) {
        Enqueue(PingPacket());
      } else {
        CloseNow("a graceful close did not finish within " +
                     std::to_string(options_.ping_interval.count()) + " ms",
                 Initiator::kServer);
      }
      break;
    case HeartbeatAction::kClose:
      CloseNow(heartbeat_.close_reason(), Initiator::kServer);
      break;
  }
  if (phase_ != Phase::kClosed) ScheduleHeartbeat();
}

void EioSession::UseWebSocket(std::shared_ptr<WebSocketTransport> websocket) {
  websocket_ = std::move(websocket);
  Enqueue(std::make_shared<const std::string>(OpenPacket()));
}

bool EioSession::CanUpgrade() const {
  return phase_ == Phase::kOpen && carrier_ == Carrier::kPolling;
}

void EioSession::BeginUpgrade(std::shared_ptr<WebSocketTransport> websocket) {
  carrier_ = Carrier::kUpgrading;
  websocket_ = std::move(websocket);
  probe_answered_ = false;
}

void EioSession::OnProbeAnswered() {
  probe_answered_ = true;
  // The client now pauses polling until it sends "5": GETs are no longer expected (a
  // client that vanishes is still caught by the ping timeout).
  heartbeat_.OnUpgradedToWebSocket();
  if (pending_poll_) AnswerPollDuringUpgrade();
}

bool EioSession::CompleteUpgrade() {
  if (phase_ != Phase::kOpen || carrier_ != Carrier::kUpgrading) return false;
  carrier_ = Carrier::kWebSocket;
  if (pending_poll_) ReplyToPoll(EioErrorCode::kBadRequest);  // polling is over for this session
  return true;
}

void EioSession::AbandonUpgrade(const WebSocketTransport& websocket, std::string_view reason) {
  if (carrier_ != Carrier::kUpgrading || websocket_.get() != &websocket) return;
  spdlog::debug("engine.io session {}: upgrade abandoned: {}", sid_, reason);
  carrier_ = Carrier::kPolling;
  websocket_.reset();
  probe_answered_ = false;
}

void EioSession::OnWebSocketEnded(const WebSocketTransport& websocket, std::string_view reason) {
  if (carrier_ != Carrier::kWebSocket || websocket_.get() != &websocket) return;
  if (phase_ == Phase::kClosing) {
    Finish();
  } else {
    CloseNow(std::string(reason), Initiator::kClient);
  }
}

void EioSession::BeginClose(std::string reason) {
  if (phase_ != Phase::kOpen) return;
  close_reason_ = std::move(reason);
  NotifyListener();
  phase_ = Phase::kClosing;
  if (carrier_ == Carrier::kUpgrading) {
    websocket_->Abort();
    websocket_.reset();
    carrier_ = Carrier::kPolling;
  }
  if (carrier_ == Carrier::kWebSocket) {
    websocket_->Wake();  // the writer sends what is queued, then closes the WebSocket
  } else {
    // The next GET takes what is queued and the close packet; the heartbeat bounds the wait.
    queue_.push_back({ClosePacket()});
    queued_bytes_ += ClosePacket()->size();
    FlushPoll();
  }
}

void EioSession::CloseNow(std::string reason, Initiator initiator) {
  if (phase_ == Phase::kClosed) return;
  if (phase_ == Phase::kOpen) close_reason_ = std::move(reason);
  NotifyListener();
  if (pending_poll_) ReplyToPoll(initiator == Initiator::kClient ? *NoopPacket() : *ClosePacket());
  if (websocket_) websocket_->Abort();
  Finish();
}

void EioSession::Finish() {
  if (phase_ == Phase::kClosed) return;
  NotifyListener();
  phase_ = Phase::kClosed;
  if (pending_poll_) ReplyToPoll(*ClosePacket());
  queue_.clear();
  queued_bytes_ = 0;
  heartbeat_timer_.cancel();
  websocket_.reset();
  spdlog::debug("engine.io session {} closed: {}", sid_, close_reason_);
  on_ended_(sid_);
}

void EioSession::NotifyListener() {
  std::shared_ptr<EioSessionListener> listener = std::move(listener_);
  listener_.reset();
  if (listener) listener->OnClose(close_reason_);
}

}  // namespace la
