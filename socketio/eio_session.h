// One Engine.IO v4 session (one `sid`): the packets waiting for the client, the
// heartbeat, and the transport that carries them — HTTP long-polling, a WebSocket, or
// polling while a WebSocket is being probed for the upgrade (2probe/3probe, then 5).
//
// Thread-safety: everything below runs on the session's strand, except the functions
// marked "thread-safe" (they post to the strand). The WebSocket of a session, if any,
// lives on the same strand, so transport and session call each other directly.
//
// Back-pressure: the outgoing queue is bounded by EioOptions::max_buffered_bytes; a
// client that does not read fast enough is disconnected, never buffered without end.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "socketio/packet_queue.h"
#include "socketio/protocol/engineio.h"
#include "socketio/protocol/heartbeat.h"

namespace la {

class WebSocketTransport;

// Engine.IO settings; the defaults are the reference server's.
struct EioOptions {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  // The largest polling body or WebSocket message a client may send (bytes).
  size_t max_payload = 1000000;
  // Outgoing bytes a session may have queued; one more disconnects the client.
  size_t max_buffered_bytes = 1 << 20;
  // A probed WebSocket must complete the upgrade ("5") within this time.
  std::chrono::milliseconds upgrade_timeout{10000};
  // Open sessions, in all and per client address; more are refused with 503 (0: no cap).
  size_t max_sessions = 0;
  size_t max_sessions_per_address = 0;
  // Polling GETs in progress (a GET is held until packets arrive, up to ping_interval);
  // more are refused with 503. Keep it below the HTTP server's connection cap, which
  // counts their connections too, so held polls cannot take every connection (0: no cap).
  size_t max_held_polls = 0;
  // A WebSocket write that takes longer ends the session: a client that answers pings but
  // never reads stalls its writes long before its queue fills.
  std::chrono::milliseconds write_timeout{10000};
  // Packets one polling POST may carry; more close the session (400).
  size_t max_packets_per_payload = 1000;
  // Sessions are spread over this many strands ("lanes", e.g. one per io thread) instead of
  // one strand each, so that a broadcast is handed to each lane once (SioBroadcast), not
  // posted to every session. The sessions of a lane never run concurrently.
  size_t lanes = 1;
};

// Receives what a session delivers; called on the session's strand.
class EioSessionListener {
 public:
  virtual ~EioSessionListener() = default;
  // A message packet from the client (a Socket.IO packet, or raw bytes if `binary`).
  virtual void OnMessage(std::string_view data, bool binary) = 0;
  // The session ended; called once. Nothing sent afterwards reaches the client.
  virtual void OnClose(std::string_view reason) = 0;
};

// What a polling request gets back: the body of a 200 answer, or an error to send.
using PollResult = std::variant<std::string, EioErrorCode>;

// A fresh session id: kSidRandomBytes from the operating system's random source (a
// guessed id would let a stranger read someone else's polling session). Socket.IO
// socket ids are made the same way.
std::string NewSessionId();

// An encoded Engine.IO packet ("4..." for a message), shared so that one broadcast is
// encoded once and queued for many sessions without copies.
using EioPacketText = std::shared_ptr<const std::string>;

// Conflation for a client that cannot keep up (issue 11): given a packet still waiting in
// its queue and a newer one, the single packet that replaces both, or nullptr if they do
// not merge. Pure; runs on the session's strand.
using EioMerge =
    std::function<EioPacketText(const std::string& waiting, const std::string& update)>;

class EioSession : public std::enable_shared_from_this<EioSession> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  // Called on the strand once the session is over, so that its server forgets the sid.
  using EndedCallback = std::function<void(const std::string& sid)>;

  EioSession(Strand strand, std::string sid, EioTransport transport, const EioOptions& options,
             EndedCallback on_ended);
  EioSession(const EioSession&) = delete;
  EioSession& operator=(const EioSession&) = delete;

  const std::string& sid() const { return sid_; }
  const Strand& strand() const { return strand_; }
  // The open packet of the handshake: 0{"sid":...,"upgrades":[...],...}.
  std::string OpenPacket() const;

  // Starts the heartbeat and delivers what arrives to `listener`. On the strand, once.
  // A WebSocket session gets its WebSocket first (UseWebSocket).
  void Start(std::shared_ptr<EioSessionListener> listener);

  // Queues an encoded packet for the client. Thread-safe. Ignored once the session closes.
  // With `merge` (which must outlive the session), a WebSocket client that is behind (packets
  // still wait behind the write in progress) gets the packet merged into a waiting one of
  // the same `merge`, searched from the newest back to the first packet that has no merge
  // or another one; so its queue holds at most one packet per thing the merges keep apart
  // (e.g. per stream) instead of growing with every update.
  void Send(EioPacketText packet, const EioMerge* merge = nullptr);
  // The same, called on the strand: no hop (the broadcast path).
  void SendOnStrand(EioPacketText packet, const EioMerge* merge = nullptr);
  // Ends the session after what is already queued has been sent (server shutdown, last
  // namespace left). Thread-safe.
  void Close(std::string reason);

  // HTTP long-polling, called from the HTTP handlers (any thread). Poll completes when
  // there is something to send; Push delivers the packets of a POST body.
  boost::asio::awaitable<PollResult> Poll();
  boost::asio::awaitable<PollResult> Push(const std::string& body);

  // WebSocket, on the strand. A session opened over WebSocket gets its transport here.
  void UseWebSocket(std::shared_ptr<WebSocketTransport> websocket);
  // Whether a new WebSocket may be probed for an upgrade now: an open polling session
  // with no probe in progress.
  bool CanUpgrade() const;
  // The upgrade steps, in order: the probe WebSocket was accepted; it answered "3probe"
  // (a pending GET then gets a noop within 100 ms so that the client can pause polling); the
  // client sent "5" (the WebSocket becomes the transport). Complete returns false if the
  // session ended meanwhile. Abandon undoes Begin when the probe fails.
  void BeginUpgrade(std::shared_ptr<WebSocketTransport> websocket);
  void OnProbeAnswered();
  bool CompleteUpgrade();
  void AbandonUpgrade(const WebSocketTransport& websocket, std::string_view reason);

  // Called by the active WebSocket: a packet arrived; the next packet to write (nullptr when
  // none); whether the writer should stop once the queue is empty; the socket ended.
  void OnPacket(const EioPacket& packet);
  EioPacketText TakeQueuedPacket();
  bool draining() const { return phase_ != Phase::kOpen; }
  void OnWebSocketEnded(const WebSocketTransport& websocket, std::string_view reason);

 private:
  enum class Phase { kOpen, kClosing, kClosed };
  enum class Carrier { kPolling, kUpgrading, kWebSocket };
  // Who ended the session: the client's close packet ends a pending GET with a noop, the
  // server's decisions with a close packet (as the reference server does).
  enum class Initiator { kClient, kServer };

  void StartPoll(std::function<void(PollResult)> reply);
  // Ends the pending GET shortly while a probed WebSocket waits for "5".
  void AnswerPollDuringUpgrade();
  PollResult HandlePush(const std::string& body);
  void Enqueue(EioPacketText packet, const EioMerge* merge = nullptr);
  // Merges `packet` into a waiting packet of the same `merge`; false if none takes it.
  bool MergeIntoWaiting(const EioPacketText& packet, const EioMerge& merge);
  // Answers the pending GET with everything queued, if both exist.
  void FlushPoll();
  void ReplyToPoll(PollResult result);
  // The heartbeat, a timer callback chain (no coroutine frame per session): sends the
  // pings and closes a dead session; the pending wait keeps the session alive.
  void ScheduleHeartbeat();
  void OnHeartbeatTimer();
  // Graceful end: the queue is still delivered, then the transport closes.
  void BeginClose(std::string reason);
  // Immediate end: the transport is cut now.
  void CloseNow(std::string reason, Initiator initiator);
  // The session is over: tell the listener (once), stop the timers, forget the sid.
  void Finish();
  // Tells the listener that the session ended (close_reason_), once, and lets it go.
  void NotifyListener();

  Strand strand_;
  const std::string sid_;
  const EioOptions& options_;
  EndedCallback on_ended_;
  std::shared_ptr<EioSessionListener> listener_;

  Phase phase_ = Phase::kOpen;
  Carrier carrier_;
  std::string close_reason_;

  struct Queued {
    EioPacketText text;
    const EioMerge* merge = nullptr;  // how a newer update may be merged into it, if at all
  };
  PacketQueue<Queued> queue_;
  size_t queued_bytes_ = 0;
  bool overflowed_ = false;  // the queue hit its limit; the session is about to close

  std::function<void(PollResult)> pending_poll_;  // the GET waiting for packets
  bool flush_posted_ = false;
  bool probe_answered_ = false;
  std::atomic<bool> push_in_flight_{false};  // set from HTTP threads: concurrent POSTs

  std::shared_ptr<WebSocketTransport> websocket_;                // the active one, or the probe
  std::optional<boost::asio::steady_timer> upgrade_poll_timer_;  // a GET held during an upgrade
  Heartbeat heartbeat_;
  boost::asio::steady_timer heartbeat_timer_;
};

}  // namespace la
