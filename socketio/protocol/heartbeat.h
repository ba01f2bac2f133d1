// The server side of the Engine.IO v4 heartbeat, as a state machine with no timers of its
// own: the server feeds it the current time and events, and it says when to send a ping
// and when a session is dead.
//
// The protocol: every `ping_interval` after the handshake (or after the last pong) the
// server sends a ping; if no pong arrives within `ping_timeout` of that ping, the session is
// dead. A polling session is also dead when no GET request has been pending for
// ping_interval + ping_timeout: its client has gone (the reference client re-polls at once
// after each response, and the ping reaches it at least every ping_interval), and without
// this rule a client that sends pongs but never reads would grow its send buffer forever.
#pragma once

#include <chrono>
#include <string>

#include "socketio/protocol/engineio.h"

namespace la {

// What the server must do after Heartbeat::Check.
enum class HeartbeatAction {
  kWait,      // nothing until next_check()
  kSendPing,  // send a ping packet ("2") now
  kClose,     // the session is dead; close it (close_reason() says why)
};

// One session's heartbeat. Not thread-safe: it belongs to the session's strand.
class Heartbeat {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A session opened over `transport` at `opened_at` (the handshake response was sent).
  Heartbeat(std::chrono::milliseconds ping_interval, std::chrono::milliseconds ping_timeout,
            EioTransport transport, TimePoint opened_at);

  // Advances the machine to `now`: says whether to send a ping (the machine then waits for
  // its pong) or to close the dead session. Once dead, it stays dead.
  HeartbeatAction Check(TimePoint now);

  // When Check should next be called (a timer for this time point is all the server needs).
  // Meaningless once the session is dead.
  TimePoint next_check() const;

  // A pong arrived: the next ping is due `ping_interval` from now. A pong that answers no
  // ping is ignored, so that a client cannot postpone the pings.
  void OnPong(TimePoint now);

  // A polling GET request arrived / its response was sent. While a GET is pending the
  // client is known to be there.
  void OnPollStarted();
  void OnPollFinished(TimePoint now);

  // The session moved to WebSocket: GET requests are no longer expected.
  void OnUpgradedToWebSocket();

  bool dead() const { return !close_reason_.empty(); }
  // Why the session died, for the logs ("ping timeout: ..."); empty while it is alive.
  const std::string& close_reason() const { return close_reason_; }

 private:
  // The latest time a GET may start before a polling session counts as gone.
  TimePoint PollDeadline() const;
  bool WatchesPolls() const { return watches_polls_ && !poll_pending_; }

  std::chrono::milliseconds ping_interval_;
  std::chrono::milliseconds ping_timeout_;
  bool watches_polls_;
  bool poll_pending_ = false;
  TimePoint last_poll_finished_;
  bool awaiting_pong_ = false;
  TimePoint ping_sent_at_;
  TimePoint next_ping_at_;
  std::string close_reason_;
};

}  // namespace la
