// The Socket.IO settings of a SioServer: what one client may send, and how long it may
// stay without joining a namespace.
#pragma once

#include <chrono>

#include "core/requests/rate_limiter.h"
#include "socketio/protocol/packet_assembler.h"

namespace la {

struct SioOptions {
  // A client that joins no namespace within this time is disconnected (the reference
  // server's default is 45 s).
  std::chrono::milliseconds connect_timeout{45000};
  // Socket.IO packets (CONNECT, EVENT, DISCONNECT, ...) one connection may send; over the
  // limit a packet is dropped (an event that asked for an ack gets {"error": ...}) and a
  // client that keeps on is disconnected. Off by default.
  RateLimit packet_rate;
  // The largest packets one connection may send, by what they are for; a larger one ends
  // the session before it is parsed. The defaults are the reference server's.
  SioPacketLimits limits;
};

}  // namespace la
