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

namespace la {

class EioSession;
class SioSocketOwner;
struct SioSocketLink;

// A Socket.IO packet encoded once, to be sent to many sockets (SendEncoded): the bytes of
// the Engine.IO message that carries it, shared without copies.
using SioEncodedPacket = std::shared_ptr<const std::string>;

// The Engine.IO message packet that carries Socket.IO packet `sio_text` ("4" + text).
SioEncodedPacket EncodeSioMessage(std::string_view sio_text);

// EVENT `event` with `args` for the sockets of namespace `nsp`, encoded once, e.g. for a
// broadcast: EncodeEventPacket("/", "hello", {1}) holds `42["hello",1]`.
SioEncodedPacket EncodeEventPacket(std::string_view nsp, std::string_view event,
                                   const std::vector<nlohmann::json>& args = {});

// How a broadcast event may be conflated for a client that cannot keep up: given the
// arguments (after the event name) of an event still waiting in the client's queue and of
// a newer event of the same name and namespace, the arguments of the one event that
// replaces both, or nullopt if they do not merge. Pure (e.g. the latest total per stream).
using SioMergeArgs = std::function<std::optional<nlohmann::json>(const nlohmann::json& waiting,
                                                                 const nlohmann::json& update)>;

// A conflation rule for SendEncoded. Create it once (e.g. static) and keep it for as long
// as the server runs: queued packets refer to it.
class SioConflation {
 public:
  explicit SioConflation(SioMergeArgs merge_args);

 private:
  friend class SioSocket;
  // Two encoded packets -> the one that replaces both, or nullptr.
  std::function<SioEncodedPacket(const std::string& waiting, const std::string& update)> merge_;
};

class SioSocket : public std::enable_shared_from_this<SioSocket> {
 public:
  SioSocket(const SioSocket&) = delete;
  SioSocket& operator=(const SioSocket&) = delete;

  // The Socket.IO session id (not the Engine.IO one), unique per socket.
  const std::string& id() const { return id_; }
  const std::string& nsp() const { return nsp_; }
  // The CONNECT payload ({} when there was none), for the namespace's admission.
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
  // Thread-safe. The same, for an event that `conflation` may merge into an older one still
  // waiting for a client that is behind (the merged packet is encoded for this socket).
  void SendEncoded(SioEncodedPacket packet, const SioConflation& conflation);
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
  // Posts one packet (with its conflation, if any) to the session on the lane.
  void Post(SioEncodedPacket packet, const SioConflation* conflation);
  // On the lane: queues the packet for the client, if the socket is still connected.
  void SendOnLane(const SioEncodedPacket& packet, const SioConflation* conflation);

  const std::string id_;
  const std::string nsp_;
  const nlohmann::json auth_;
  nlohmann::json data_ = nlohmann::json::object();
  const std::weak_ptr<EioSession> session_;
  const EioLane lane_;
  const std::weak_ptr<SioSocketOwner> owner_;
  bool connected_ = false;
  std::optional<boost::asio::steady_timer> expiry_;
};

}  // namespace la
