#include "socketio/internal/eio_session.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <random>

namespace la {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

}  // namespace

std::string NewSessionId() {
  thread_local std::random_device random;
  std::array<uint8_t, kSidRandomBytes> bytes;
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
  return EncodeSid(bytes);
}

EioSession::EioSession(EioLane lane, std::string sid, EioTransport kind, const EioOptions& options,
                       EndedCallback on_ended)
    : lane_(std::move(lane)),
      sid_(std::move(sid)),
      kind_(kind),
      options_(options),
      on_ended_(std::move(on_ended)),
      outgoing_(std::make_shared<OutgoingQueue>(options.max_buffered_bytes)),
      heartbeat_(options.ping_interval, options.ping_timeout, kind, Clock::now()),
      heartbeat_timer_(lane_) {}

std::string EioSession::OpenPacket() const {
  std::vector<std::string> upgrades;
  if (kind_ == EioTransport::kPolling) upgrades.push_back("websocket");
  return EncodeOpenPacket(sid_, upgrades, options_.ping_interval, options_.ping_timeout,
                          options_.max_payload);
}

void EioSession::Attach(std::shared_ptr<SessionTransport> transport) {
  transport_ = std::move(transport);
  if (kind_ == EioTransport::kWebSocket) Enqueue(std::make_shared<const std::string>(OpenPacket()));
}

void EioSession::Start(std::shared_ptr<EioSessionListener> listener) {
  listener_ = std::move(listener);
  ScheduleHeartbeat();
}

void EioSession::Send(EioPacketText packet, EioUpdate update) {
  asio::dispatch(lane_, [self = shared_from_this(), packet = std::move(packet),
                         update = std::move(update)]() mutable {
    self->Enqueue(std::move(packet), std::move(update));
  });
}

void EioSession::SendOnLane(EioPacketText packet, EioUpdate update) {
  Enqueue(std::move(packet), std::move(update));
}

void EioSession::Close(std::string reason) {
  asio::post(lane_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    self->BeginClose(std::move(reason));
  });
}

void EioSession::Enqueue(EioPacketText packet, EioUpdate update) {
  if (phase_ != Phase::kOpen || overflowed_) return;
  // Over WebSocket the queue only holds packets behind a write in progress: this client is
  // behind, so it gets the newest totals merged in, not one more stale frame.
  const bool behind_a_write = kind_ == EioTransport::kWebSocket || upgraded_;
  const size_t queued = outgoing_->bytes();
  switch (outgoing_->Push(std::move(packet), std::move(update), behind_a_write)) {
    case OutgoingQueue::Pushed::kQueued:
      if (transport_) transport_->Flush();
      return;
    case OutgoingQueue::Pushed::kMerged:
    case OutgoingQueue::Pushed::kClosed:
      return;
    case OutgoingQueue::Pushed::kOverflow:
      break;
  }
  // Closing here could re-enter whoever is sending; close from a fresh handler.
  overflowed_ = true;
  std::string reason = "the client does not read fast enough: " + std::to_string(queued) +
                       " bytes queued, limit " + std::to_string(outgoing_->max_bytes());
  asio::post(lane_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    spdlog::warn("engine.io session {}: {}", self->sid_, reason);
    self->CloseNow(std::move(reason), Initiator::kServer);
  });
}

void EioSession::OnPacket(const EioPacket& packet) {
  switch (packet.type) {
    case EioPacketType::kPong:
      heartbeat_.OnPong(Clock::now());
      // The timer waits for the pong's deadline; the next ping is due earlier when the
      // ping interval is shorter than the ping timeout.
      if (phase_ != Phase::kClosed) ScheduleHeartbeat();
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

void EioSession::OnPollHeld(bool held) {
  if (held) {
    heartbeat_.OnPollStarted();
  } else {
    heartbeat_.OnPollFinished(Clock::now());
  }
}

bool EioSession::CanUpgrade() const {
  return phase_ == Phase::kOpen && kind_ == EioTransport::kPolling && !upgraded_ && !probe_;
}

void EioSession::BeginUpgrade(std::shared_ptr<SessionTransport> probe) {
  probe_ = std::move(probe);
}

void EioSession::OnProbeAnswered() {
  // The client now pauses polling until it sends "5": GETs are no longer expected (a
  // client that vanishes is still caught by the ping timeout).
  heartbeat_.OnUpgradedToWebSocket();
  transport_->SetPaused(true);
}

bool EioSession::OnUpgrade(const SessionTransport& probe) {
  if (phase_ != Phase::kOpen || probe_.get() != &probe) return false;
  transport_->Retire();  // polling is over for this session
  transport_ = std::move(probe_);
  upgraded_ = true;
  return true;
}

void EioSession::OnTransportEnded(const SessionTransport& transport, std::string_view reason) {
  if (&transport == probe_.get()) {
    spdlog::debug("engine.io session {}: upgrade abandoned: {}", sid_, reason);
    probe_.reset();
    transport_->SetPaused(false);
    return;
  }
  if (&transport != transport_.get()) return;
  if (phase_ == Phase::kClosing) {
    Finish();
  } else {
    CloseNow(std::string(reason), Initiator::kServer);
  }
}

void EioSession::ScheduleHeartbeat() {
  // Replaces the wait in progress, if any (its handler sees operation_aborted): one wait
  // at a time.
  heartbeat_timer_.expires_at(heartbeat_.next_check());
  heartbeat_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec != asio::error::operation_aborted) self->OnHeartbeatTimer();
  });
}

void EioSession::OnHeartbeatTimer() {
  if (phase_ == Phase::kClosed) return;  // Finish cancelled the timer
  switch (heartbeat_.Check(Clock::now())) {
    case HeartbeatAction::kWait:
      break;
    case HeartbeatAction::kSendPing:
      if (phase_ == Phase::kOpen) {
        Enqueue(EncodedPing());
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

void EioSession::BeginClose(std::string reason) {
  if (phase_ != Phase::kOpen) return;
  close_reason_ = std::move(reason);
  NotifyListener();
  phase_ = Phase::kClosing;
  if (probe_) {
    probe_->Abort();
    probe_.reset();
  }
  // A polling client takes the close packet with what is queued; over WebSocket the writer
  // sends what is queued, then the close frame. The heartbeat bounds the wait.
  if (!upgraded_ && kind_ == EioTransport::kPolling) outgoing_->PushLast(EncodedClose());
  outgoing_->Close();
  if (transport_) transport_->Flush();
}

void EioSession::CloseNow(std::string reason, Initiator initiator) {
  if (phase_ == Phase::kClosed) return;
  if (phase_ == Phase::kOpen) close_reason_ = std::move(reason);
  NotifyListener();
  // A held GET gets only this last packet.
  outgoing_->Clear();
  outgoing_->PushLast(initiator == Initiator::kClient ? EncodedNoop() : EncodedClose());
  Finish();
}

void EioSession::Finish() {
  if (phase_ == Phase::kClosed) return;
  NotifyListener();
  phase_ = Phase::kClosed;
  // A GET still held gets what is queued (CloseNow's last packet), or the close packet.
  if (transport_) transport_->Abort();
  if (probe_) probe_->Abort();
  outgoing_->Clear();
  outgoing_->Close();
  heartbeat_timer_.cancel();
  transport_.reset();
  probe_.reset();
  spdlog::debug("engine.io session {} closed: {}", sid_, close_reason_);
  on_ended_(sid_);
}

void EioSession::NotifyListener() {
  std::shared_ptr<EioSessionListener> listener = std::move(listener_);
  listener_.reset();
  if (listener) listener->OnClose(close_reason_);
}

}  // namespace la
