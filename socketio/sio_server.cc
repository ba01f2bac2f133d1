#include "socketio/sio_server.h"

#include "socketio/internal/eio_session.h"
#include "socketio/internal/sio_client.h"

namespace la {

SioServer::SioServer(EioServer& engine, SioOptions options) : options_(options) {
  engine.OnSession([this](const std::shared_ptr<EioSession>& session) {
    auto client = std::make_shared<SioClient>(session, namespaces_, options_);
    client->StartConnectTimeout(options_.connect_timeout);
    return client;
  });
}

SioNamespace& SioServer::AddNamespace(const std::string& name) {
  auto [it, added] = namespaces_.try_emplace(name, std::make_unique<SioNamespace>(name));
  return *it->second;
}

}  // namespace la
