#include "api/socketio/sio_server.h"

#include "api/socketio/sio_client.h"

namespace la {

SioServer::SioServer(EioServer& engine, std::chrono::milliseconds connect_timeout)
    : connect_timeout_(connect_timeout) {
  engine.OnSession([this](const std::shared_ptr<EioSession>& session) {
    auto client = std::make_shared<SioClient>(session, namespaces_);
    client->StartConnectTimeout(connect_timeout_);
    return client;
  });
}

SioNamespace& SioServer::AddNamespace(const std::string& name) {
  auto [it, added] = namespaces_.try_emplace(name, std::make_unique<SioNamespace>(name));
  return *it->second;
}

}  // namespace la
