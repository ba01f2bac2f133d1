// The library's own side of a SioSocket (sio_socket.h), which applications never call:
// creating one, marking it joined or left, reaching its lane, sending on the lane without
// a hop (the broadcast path), and the owner it reports to (its SioClient). Only SioClient,
// SioBroadcast and tests that need a socket without a connection use it.
//
// Thread-safety: everything but Create runs on the socket's lane.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "socketio/eio_options.h"

namespace la {

class EioSession;
class SioSocket;
class SioUpdate;
using SioEncodedPacket = std::shared_ptr<const std::string>;

// What a socket asks of the client it belongs to.
class SioSocketOwner {
 public:
  virtual ~SioSocketOwner() = default;
  // The server ended `socket` (SioSocket::Disconnect); on the lane.
  virtual void Remove(SioSocket& socket, std::string_view reason) = 0;
};

struct SioSocketLink {
  // A socket about to join `nsp` over `session`; `auth` is the CONNECT payload.
  static std::shared_ptr<SioSocket> Create(std::string nsp, nlohmann::json auth,
                                           const std::shared_ptr<EioSession>& session,
                                           std::weak_ptr<SioSocketOwner> owner);
  static const EioLane& Lane(const SioSocket& socket);
  // The socket joined / left its namespace: packets reach the client only in between.
  static void MarkConnected(SioSocket& socket);
  static void MarkDisconnected(SioSocket& socket);
  // The connect hook ran: the socket no longer needs its CONNECT payload.
  static void ReleaseAuth(SioSocket& socket);
  // SendEncoded without the hop, on the lane.
  static void SendOnLane(SioSocket& socket, const SioEncodedPacket& packet,
                         const std::shared_ptr<const SioUpdate>& update);
};

}  // namespace la
