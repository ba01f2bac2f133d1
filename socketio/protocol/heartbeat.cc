#include "socketio/protocol/heartbeat.h"

#include <algorithm>

namespace la {

Heartbeat::Heartbeat(std::chrono::milliseconds ping_interval,
                     std::chrono::milliseconds ping_timeout, EioTransport transport,
                     TimePoint opened_at)
    : ping_interval_(ping_interval),
      ping_timeout_(ping_timeout),
      watches_polls_(transport == EioTransport::kPolling),
      last_poll_finished_(opened_at),
      next_ping_at_(opened_at + ping_interval) {}

HeartbeatAction Heartbeat::Check(TimePoint now) {
  if (dead()) return HeartbeatAction::kClose;
  if (WatchesPolls() && now >= PollDeadline()) {
    close_reason_ = "poll timeout: no GET request for " +
                    std::to_string((ping_interval_ + ping_timeout_).count()) + " ms";
    return HeartbeatAction::kClose;
  }
  if (awaiting_pong_) {
    if (now < ping_sent_at_ + ping_timeout_) return HeartbeatAction::kWait;
    close_reason_ =
        "ping timeout: no pong within " + std::to_string(ping_timeout_.count()) + " ms of the ping";
    return HeartbeatAction::kClose;
  }
  if (now < next_ping_at_) return HeartbeatAction::kWait;
  awaiting_pong_ = true;
  ping_sent_at_ = now;  // a late timer delays the deadline too: the client gets its full timeout
  return HeartbeatAction::kSendPing;
}

Heartbeat::TimePoint Heartbeat::next_check() const {
  const TimePoint heartbeat_due = awaiting_pong_ ? ping_sent_at_ + ping_timeout_ : next_ping_at_;
  return WatchesPolls() ? std::min(heartbeat_due, PollDeadline()) : heartbeat_due;
}

void Heartbeat::OnPong(TimePoint now) {
  if (dead() || !awaiting_pong_) return;
  awaiting_pong_ = false;
  next_ping_at_ = now + ping_interval_;
}

void Heartbeat::OnPollStarted() { poll_pending_ = true; }

void Heartbeat::OnPollFinished(TimePoint now) {
  poll_pending_ = false;
  last_poll_finished_ = now;
}

void Heartbeat::OnUpgradedToWebSocket() { watches_polls_ = false; }

Heartbeat::TimePoint Heartbeat::PollDeadline() const {
  return last_poll_finished_ + ping_interval_ + ping_timeout_;
}

}  // namespace la
