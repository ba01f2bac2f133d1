// Socket.IO v5 on top of an Engine.IO server: each Engine.IO session gets a SioClient,
// which lets its client join the namespaces added here. A CONNECT to any other namespace
// is refused with {"message":"Invalid namespace"}.
#pragma once

#include <string>

#include "socketio/eio_server.h"
#include "socketio/sio_namespace.h"
#include "socketio/sio_options.h"

namespace la {

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
