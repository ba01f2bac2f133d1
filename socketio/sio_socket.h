// One client's membership in one Socket.IO namespace: what Socket.IO's server calls a
// `socket`. It lives on its Engine.IO session's strand. The functions marked
// "thread-safe" may be called from any thread (the Redis bridge, the blocking pool);
// the packets they send reach the client in call order.
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

#include "socketio/eio_session.h"

namespace la {

class SioClient;

// A Socket.IO packet encoded once, to be sent to many sockets (SendEncoded): the bytes of
// the Engine.IO message that carries it, shared without copies.
using SioEncodedPacket = EioPacketText;

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
  const EioMerge& merge() const { return merge_; }

 private:
  EioMerge merge_;
};

class SioSocket : public std::enable_shared_from_this<SioSocket> {
 public:
  // A socket about to join `nsp`; `auth` is the CONNECT payload ({} when there was none).
  SioSocket(std::string nsp, nlohmann::json auth, const std::shared_ptr<EioSession>& session,
            std::weak_ptr<SioClient> client);
  SioSocket(const SioSocket&) = delete;
  SioSocket& operator=(const SioSocket&) = delete;

  // The Socket.IO session id (not the Engine.IO one), unique per socket.
  const std::string& id() const { return id_; }
  const std::string& nsp() const { return nsp_; }
  const nlohmann::json& auth() const { return auth_; }
  // What the application keeps about the socket (Socket.IO's `socket.data`), e.g. the
  // token's claims set by the namespace's admission. On the strand only.
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

  // The strand (lane) the socket lives on, shared with other sessions' sockets.
  const EioSession::Strand& strand() const { return strand_; }
  // For SioBroadcast, on the strand: SendEncoded without the hop.
  void SendOnStrand(const SioEncodedPacket& packet, const EioMerge* merge);

  // For SioClient, on the strand: the socket joined / left its namespace.
  void MarkConnected() { connected_ = true; }
  void MarkDisconnected();

 private:
  // Sends the Engine.IO packets of one Socket.IO packet (its text, then its attachments).
  void SendPacket(std::string sio_text, const std::vector<std::string>& attachments);
  void SendAll(std::vector<EioPacketText> packets);
  // Posts one packet (with its merge, if any) to the session on the strand.
  void Post(SioEncodedPacket packet, const EioMerge* merge);

  const std::string id_;
  const std::string nsp_;
  const nlohmann::json auth_;
  nlohmann::json data_ = nlohmann::json::object();
  const std::weak_ptr<EioSession> session_;
  const EioSession::Strand strand_;
  const std::weak_ptr<SioClient> client_;
  bool connected_ = false;
  std::optional<boost::asio::steady_timer> expiry_;
};

}  // namespace la
