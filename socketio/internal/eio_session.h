// One Engine.IO v4 session (one `sid`): the packets waiting for its client (an
// OutgoingQueue), the heartbeat, the close protocol, and which transport carries it — its
// polling transport, its WebSocket, or polling while a WebSocket is probed for the upgrade
// (2probe/3probe, then 5). It sees its transports only as SessionTransports; they report
// to it as its TransportSink (internal/transport.h).
//
// Lifetime: the server's registry owns the session until it ends; the session owns its
// transports and its listener (the Socket.IO side); pending timers hold it.
//
// Thread-safety: everything below runs on the session's lane, except the functions marked
// "thread-safe" (they post to the lane).
//
// Back-pressure: the outgoing queue is bounded by EioOptions::max_buffered_bytes; a client
// that does not read fast enough is disconnected, never buffered without end.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "socketio/eio_options.h"
#include "socketio/internal/outgoing_queue.h"
#include "socketio/internal/transport.h"
#include "socketio/protocol/engineio.h"
#include "socketio/protocol/heartbeat.h"

namespace la {

// Receives what a session delivers; called on the session's lane.
class EioSessionListener {
 public:
  virtual ~EioSessionListener() = default;
  // A message packet from the client (a Socket.IO packet, or raw bytes if `binary`).
  virtual void OnMessage(std::string_view data, bool binary) = 0;
  // The session ended; called once. Nothing sent afterwards reaches the client.
  virtual void OnClose(std::string_view reason) = 0;
};

// A fresh session id: kSidRandomBytes from the operating system's random source (a
// guessed id would let a stranger read someone else's polling session). Socket.IO
// socket ids are made the same way.
std::string NewSessionId();

class EioSession : public TransportSink, public std::enable_shared_from_this<EioSession> {
 public:
  // Called on the lane once the session is over, so that its server forgets the sid.
  using EndedCallback = std::function<void(const std::string& sid)>;

  EioSession(EioLane lane, std::string sid, EioTransport kind, const EioOptions& options,
             EndedCallback on_ended);
  EioSession(const EioSession&) = delete;
  EioSession& operator=(const EioSession&) = delete;

  const std::string& sid() const { return sid_; }
  const EioLane& lane() const { return lane_; }
  // The open packet of the handshake: 0{"sid":...,"upgrades":[...],...}.
  std::string OpenPacket() const;
  // The queue the session's transports send from.
  const std::shared_ptr<OutgoingQueue>& outgoing() const { return outgoing_; }

  // The transport the session opened with. A WebSocket session's open packet is queued on
  // it (the handshake is answered over the WebSocket). Before Start.
  void Attach(std::shared_ptr<SessionTransport> transport);
  // Starts the heartbeat and delivers what arrives to `listener`. On the lane, once.
  void Start(std::shared_ptr<EioSessionListener> listener);

  // Queues an encoded packet for the client. Thread-safe. Ignored once the session closes.
  // With `update` (what `packet` encodes), a WebSocket client that is behind (packets still
  // wait behind the write in progress) gets it folded into a waiting update (see
  // OutgoingQueue::Push), so its queue holds at most one update per key (e.g. per stream)
  // instead of growing with every publish.
  void Send(EioPacketText packet, EioUpdate update = nullptr);
  // The same, called on the lane: no hop (the broadcast path).
  void SendOnLane(EioPacketText packet, EioUpdate update = nullptr);
  // Ends the session after what is already queued has been sent (server shutdown, last
  // namespace left). Thread-safe.
  void Close(std::string reason);

  // Whether a new WebSocket may be probed for an upgrade now: an open polling session
  // with no probe in progress.
  bool CanUpgrade() const;
  // A WebSocket was accepted to probe the upgrade; it reports as this session's sink.
  void BeginUpgrade(std::shared_ptr<SessionTransport> probe);

  // TransportSink: what the transports report, on the lane.
  void OnPacket(const EioPacket& packet) override;
  void OnPollHeld(bool held) override;
  void OnProbeAnswered() override;
  bool OnUpgrade(const SessionTransport& probe) override;
  void OnTransportEnded(const SessionTransport& transport, std::string_view reason) override;

 private:
  enum class Phase { kOpen, kClosing, kClosed };
  // Who ended the session: the client's close packet ends a pending GET with a noop, the
  // server's decisions with a close packet (as the reference server does).
  enum class Initiator { kClient, kServer };

  void Enqueue(EioPacketText packet, EioUpdate update = nullptr);
  // The heartbeat, a timer callback chain (no coroutine frame per session): sends the
  // pings and closes a dead session; the pending wait keeps the session alive.
  void ScheduleHeartbeat();
  void OnHeartbeatTimer();
  // Graceful end: the queue is still delivered, then the transport ends.
  void BeginClose(std::string reason);
  // Immediate end: the transports are cut now.
  void CloseNow(std::string reason, Initiator initiator);
  // The session is over: tell the listener (once), stop the timers, forget the sid.
  void Finish();
  // Tells the listener that the session ended (close_reason_), once, and lets it go.
  void NotifyListener();

  EioLane lane_;
  const std::string sid_;
  const EioTransport kind_;  // the transport it opened with
  const EioOptions& options_;
  EndedCallback on_ended_;
  std::shared_ptr<EioSessionListener> listener_;

  Phase phase_ = Phase::kOpen;
  std::string close_reason_;
  const std::shared_ptr<OutgoingQueue> outgoing_;
  bool overflowed_ = false;  // the queue hit its limit; the session is about to close

  std::shared_ptr<SessionTransport> transport_;  // what carries the session now
  std::shared_ptr<SessionTransport> probe_;      // a WebSocket probed for the upgrade, if any
  bool upgraded_ = false;                        // the WebSocket took over from polling
  Heartbeat heartbeat_;
  boost::asio::steady_timer heartbeat_timer_;
};

}  // namespace la
