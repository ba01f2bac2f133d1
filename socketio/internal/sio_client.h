// The Socket.IO side of one Engine.IO session: the namespaces its client joined and the
// packets exchanged in them (CONNECT, EVENT, ACK, DISCONNECT; events may carry binary
// attachments, which arrive as binary messages after their packet). Lives on the session's
// lane; the session owns it as its listener, and it owns the sockets of the namespaces its
// client joined (they report back to it as their SioSocketOwner).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/requests/rate_limiter.h"
#include "socketio/internal/eio_session.h"
#include "socketio/internal/socket_link.h"
#include "socketio/protocol/packet_assembler.h"
#include "socketio/sio_namespace.h"
#include "socketio/sio_options.h"

namespace la {

class SioClient : public EioSessionListener,
                  public SioSocketOwner,
                  public std::enable_shared_from_this<SioClient> {
 public:
  // `options` bound what the client may send (rate, packet sizes, attachments); they must
  // outlive the client.
  SioClient(const std::shared_ptr<EioSession>& session, const SioNamespaces& namespaces,
            const SioOptions& options);

  // Closes the session if its client joins no namespace within `timeout`, as the
  // reference server does (connectTimeout).
  void StartConnectTimeout(std::chrono::milliseconds timeout);

  void OnMessage(std::string_view data, bool binary) override;
  void OnClose(std::string_view reason) override;

  // The server ended `socket` (SioSocket::Disconnect). If it was the client's last
  // namespace, the session closes: nothing is left to deliver.
  void Remove(SioSocket& socket, std::string_view reason) override;

 private:
  // Acts on a complete packet.
  void Deliver(SioPacket packet, std::vector<std::string> attachments);
  void Connect(SioPacket& packet);
  // Forgets the socket of `nsp`, if any, and tells its namespace. False if there was none.
  bool Leave(const std::string& nsp, std::string_view reason);
  void Send(const std::string& sio_text);
  // A protocol error: the session closes, as the reference server does.
  void Fail(const std::string& reason);
  // A packet over the rate limit: dropped; an event that asked for an ack gets an error.
  void RefuseOverLimit(std::string_view data, std::chrono::milliseconds retry_after);

  std::weak_ptr<EioSession> session_;
  const SioNamespaces& namespaces_;
  const SioOptions& options_;
  std::unordered_map<std::string, std::shared_ptr<SioSocket>> sockets_;  // by namespace
  boost::asio::steady_timer connect_timer_;
  bool failed_ = false;
  TokenBucket packet_budget_;   // packets the client may send
  TokenBucket refusal_budget_;  // packets over that limit it may send before it is cut off

  SioPacketAssembler assembler_;  // the packet being received, with its attachments
};

}  // namespace la
