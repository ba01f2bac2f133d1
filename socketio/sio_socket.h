// One client's membership in one Socket.IO namespace: what Socket.IO's server calls a
// `socket`. The library creates it when a client joins a namespace and hands it to the
// namespace's hooks (sio_namespace.h). It lives on its Engine.IO session's lane. The
// functions marked "thread-safe" may be called from any thread (the Redis bridge, the
// blocking pool); the packets they send reach the client in call order.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "socketio/eio_options.h"
#include "socketio/sio_update.h"

namespace la {

class EioSession;
class SioSocketOwner;
struct SioSocketLink;

// The Engine.IO message packet that carries Socket.IO packet `sio_text` ("4" + text).
SioEncodedPacket EncodeSioMessage(std::string_view sio_text);

// EVENT `event` with `args` for the sockets of namespace `nsp`, encoded once, e.g. for a
// broadcast: EncodeEventPacket("/", "hello", {1}) holds `42["hello",1]`.
SioEncodedPacket EncodeEventPacket(std::string_view nsp, std::string_view event,
                                   const std::vector<nlohmann::json>& args = {});

class SioSocket : public std::enable_shared_from_this<SioSocket> {
 public:
  SioSocket(const SioSocket&) = delete;
  SioSocket& operator=(const SioSocket&) = delete;

  // The Socket.IO session id (not the Engine.IO one), unique per socket.
  const std::string& id() const { return id_; }
  const std::string& nsp() const { return nsp_; }
  // The CONNECT payload ({} when there was none), for the namespace's admission and connect
  // hooks; released (null) after the connect hook, so that a socket does not hold a large
  // auth object for its life: keep what is needed of it in data().
  const nlohmann::json& auth() const { return auth_; }
  // What the application keeps about the socket (Socket.IO's `socket.data`), e.g. the
  // token's claims set by the namespace's admission. On the lane only.
  nlohmann::json& data() { return data_; }

  // Thread-safe. Sends EVENT `event` with `args`; with `attachments`, a BINARY_EVENT whose
  // args refer to them with {"_placeholder":true,"num":i}.
  void Emit(std::string_view event, const std::vector<nlohmann::json>& args = {},
            const std::vector<std::string>& attachments = {});
  // Thread-safe. Sends the ACK that answers the client's event `ack_id` (with
  // attachments: a BINARY_ACK).
  void Acknowledge(uint64_t ack_id, const std::vector<nlohmann::json>& args,
                   const std::vector<std::string>& attachments = {});
  // Thread-safe. Sends a packet of this socket's namespace that was encoded once for many
  // sockets (EncodeEventPacket).
  void SendEncoded(SioEncodedPacket packet);
  // Thread-safe. The same, for `packet` encoding `update`: a client that is behind gets the
  // update folded into a waiting one it conflates with (sio_update.h).
  void SendEncoded(SioEncodedPacket packet, std::shared_ptr<const SioUpdate> update);
  // Thread-safe. Ends the socket from the server side: the client gets DISCONNECT (its
  // reason is "io server disconnect" and it does not reconnect by itself). If this was
  // the client's last namespace, its Engine.IO session closes too.
  void Disconnect();
  // Thread-safe. Disconnects the socket at `deadline`, e.g. when its token expires.
  void DisconnectAt(std::chrono::system_clock::time_point deadline);

 private:
  // The library's own access (SioClient, SioBroadcast): internal/socket_link.h.
  friend struct SioSocketLink;

  SioSocket(std::string nsp, nlohmann::json auth, const std::shared_ptr<EioSession>& session,
            std::weak_ptr<SioSocketOwner> owner);

  // Sends the Engine.IO packets of one Socket.IO packet (its text, then its attachments).
  void SendPacket(std::string sio_text, const std::vector<std::string>& attachments);
  void SendAll(std::vector<SioEncodedPacket> packets);
  // Posts one packet (with its update, if any) to the session on the lane.
  void Post(SioEncodedPacket packet, std::shared_ptr<const SioUpdate> update);
  // On the lane: queues the packet for the client, if the socket is still connected.
  void SendOnLane(const SioEncodedPacket& packet, const std::shared_ptr<const SioUpdate>& update);

  const std::string id_;
  const std::string nsp_;
  nlohmann::json auth_;
  nlohmann::json data_ = nlohmann::json::object();
  const std::weak_ptr<EioSession> session_;
  const EioLane lane_;
  const std::weak_ptr<SioSocketOwner> owner_;
  bool connected_ = false;
  std::optional<boost::asio::steady_timer> expiry_;
};

}  // namespace la
