// The seam between an Engine.IO session and the transports that carry it (HTTP
// long-polling, WebSocket): the session sees a transport only as a SessionTransport, and
// a transport sees its session only as a TransportSink, plus the OutgoingQueue they share
// (the session queues packets, the transport takes them from the front). One type per
// connection kind (PollingTransport, WebSocketTransport), each bounding its own waits:
// a held GET by the heartbeat, every WebSocket write by the write timeout, a probe by the
// upgrade timeout, the handshakes by Beast's.
//
// Thread-safety: both sides live on the session's strand (its lane) and call each other
// only there.
#pragma once

#include <string_view>

#include "socketio/protocol/engineio.h"

namespace la {

// What a session asks of a transport.
class SessionTransport {
 public:
  virtual ~SessionTransport() = default;
  // Packets were queued, or the queue was closed: send them as soon as the transport is
  // idle; after the last packet of a closed queue, end gracefully.
  virtual void Flush() = 0;
  // A probed WebSocket answered (true): the client is about to pause this transport, so a
  // polling transport answers a held (or the next) GET with a noop within 100 ms when
  // nothing is queued, and the client can switch. The probe was abandoned (false): back to
  // normal.
  virtual void SetPaused(bool paused) = 0;
  // Another transport took over (the upgrade completed): a held request is refused, and
  // so is every later one.
  virtual void Retire() = 0;
  // The session ended: a held request gets what the queue holds (the session leaves its
  // last packet there), or the close packet; the connection is cut; later requests find
  // no session.
  virtual void Abort() = 0;
};

// What a transport tells its session.
class TransportSink {
 public:
  virtual ~TransportSink() = default;
  // A packet from the client.
  virtual void OnPacket(const EioPacket& packet) = 0;
  // Polling only: a GET is now held (true) or was answered (false). A held GET is the
  // heartbeat's proof that a polling client is still there.
  virtual void OnPollHeld(bool held) = 0;
  // The upgrade, as a probed WebSocket sees it: it answered "2probe" with "3probe"; the
  // client then sent "5" (true if the session takes `probe` as its transport now).
  virtual void OnProbeAnswered() = 0;
  virtual bool OnUpgrade(const SessionTransport& probe) = 0;
  // `transport` ended: it broke, the client went away or broke the protocol (`reason`), or it
  // delivered the last packet of a closed queue. For a probe: the upgrade is abandoned.
  virtual void OnTransportEnded(const SessionTransport& transport, std::string_view reason) = 0;
};

}  // namespace la
