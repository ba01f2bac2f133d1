// Socket.IO v5 on top of an Engine.IO server: each Engine.IO session gets a SioClient,
// which lets its client join the namespaces added here. A CONNECT to any other namespace
// is refused with {"message":"Invalid namespace"}.
#pragma once

#include <chrono>
#include <string>

#include "api/socketio/eio_server.h"
#include "api/socketio/sio_namespace.h"

namespace la {

class SioServer {
 public:
  // Serves the sessions of `engine`. A client that joins no namespace within
  // `connect_timeout` is disconnected (the reference server's default is 45 s).
  explicit SioServer(EioServer& engine,
                     std::chrono::milliseconds connect_timeout = std::chrono::seconds(45));
  SioServer(const SioServer&) = delete;
  SioServer& operator=(const SioServer&) = delete;

  // Adds namespace `name` (e.g. "/", "/live") and returns it for set-up; before serving.
  SioNamespace& AddNamespace(const std::string& name);

 private:
  SioNamespaces namespaces_;
  std::chrono::milliseconds connect_timeout_;
};

}  // namespace la
