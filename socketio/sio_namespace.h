// What a Socket.IO namespace does: who may join it (admission), what happens when a
// socket joins or leaves, and the handlers of the events clients emit in it. Set up
// before serving and read-only afterwards, so sockets on any strand may use it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "socketio/protocol/socketio.h"
#include "socketio/sio_socket.h"

namespace la {

// An event from a client.
struct SioEvent {
  nlohmann::json args;             // the JSON array of its arguments, after its name
  std::optional<uint64_t> ack_id;  // set when the client waits for an answer (socket->Acknowledge)
  // Binary attachments, which `args` refers to with {"_placeholder":true,"num":i}.
  std::vector<std::string> attachments;
};

class SioNamespace {
 public:
  // Decides on a CONNECT (the payload is socket.auth()): nullopt admits the socket, a
  // message refuses it with CONNECT_ERROR {"message": message}. May fill socket.data().
  // Runs on the lane.
  using Admission = std::function<std::optional<std::string>(SioSocket& socket)>;
  // The socket joined: the CONNECT reply is already queued, so it may emit right away.
  using ConnectHandler = std::function<void(const std::shared_ptr<SioSocket>& socket)>;
  // The socket left: the client disconnected or went away, or the server disconnected it.
  using DisconnectHandler = std::function<void(SioSocket& socket, std::string_view reason)>;
  // An event from the client (see SioEvent).
  using EventHandler =
      std::function<void(const std::shared_ptr<SioSocket>& socket, const SioEvent& event)>;

  explicit SioNamespace(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  // Set-up, before serving. Without an admission every client may join.
  void SetAdmission(Admission admission) { admission_ = std::move(admission); }
  void OnConnect(ConnectHandler handler) { on_connect_ = std::move(handler); }
  void OnDisconnect(DisconnectHandler handler) { on_disconnect_ = std::move(handler); }
  void On(const std::string& event, EventHandler handler) { events_[event] = std::move(handler); }

 private:
  // What the library calls, on the socket's lane.
  friend class SioClient;
  std::optional<std::string> Admit(SioSocket& socket) const;
  void Connected(const std::shared_ptr<SioSocket>& socket) const;
  void Disconnected(SioSocket& socket, std::string_view reason) const;
  // Runs the handler of EVENT `event` with its attachments (events without a handler
  // are ignored).
  void Dispatch(const std::shared_ptr<SioSocket>& socket, SioPacket event,
                std::vector<std::string> attachments) const;

  std::string name_;
  Admission admission_;
  ConnectHandler on_connect_;
  DisconnectHandler on_disconnect_;
  std::unordered_map<std::string, EventHandler> events_;
};

// The namespaces of a server by name; std::less<> finds them by string_view.
using SioNamespaces = std::map<std::string, std::unique_ptr<SioNamespace>, std::less<>>;

}  // namespace la
