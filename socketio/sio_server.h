// Socket.IO v5 on top of an Engine.IO server: each Engine.IO session gets a SioClient,
// which lets its client join the namespaces added here. A CONNECT to any other namespace
// is refused with {"message":"Invalid namespace"}.
#pragma once

#include <chrono>
#include <string>

#include "core/requests/rate_limiter.h"
#include "socketio/eio_server.h"
#include "socketio/sio_namespace.h"

namespace la {

struct SioOptions {
  // A client that joins no namespace within this time is disconnected (the reference
  // server's default is 45 s).
  std::chrono::milliseconds connect_timeout{45000};
  // Socket.IO packets (CONNECT, EVENT, DISCONNECT, ...) one connection may send; over the
  // limit a packet is dropped (an event that asked for an ack gets {"error": ...}) and a
  // client that keeps on is disconnected. Off by default.
  RateLimit packet_rate;
};

class SioServer {
 public:
  // Serves the sessions of `engine`.
  explicit SioServer(EioServer& engine, SioOptions options = {});
  SioServer(const SioServer&) = delete;
  SioServer& operator=(const SioServer&) = delete;

  // Adds namespace `name` (e.g. "/", "/live") and returns it for set-up; before serving.
  SioNamespace& AddNamespace(const std::string& name);

 private:
  SioNamespaces namespaces_;
  SioOptions options_;
};

}  // namespace la
