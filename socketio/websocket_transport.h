// The WebSocket transport of an Engine.IO session: one Beast WebSocket over a TCP
// socket that lives on the session's strand. It completes the handshake, runs the
// upgrade probe for a polling session (2probe -> 3probe, then 5), and then reads
// packets into the session and writes the session's queue, one packet per frame.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "socketio/eio_session.h"
#include "socketio/protocol/engineio.h"
#include "core/status.h"
#include "http/message.h"

namespace la {

class WebSocketTransport : public std::enable_shared_from_this<WebSocketTransport> {
 public:
  // `socket` must already be bound to the strand of the session it will serve.
  WebSocketTransport(boost::asio::ip::tcp::socket socket, const EioOptions& options);

  // Answers the upgrade request with an Engine.IO error, or with `response`, instead of
  // switching protocols.
  boost::asio::awaitable<void> Refuse(EioErrorCode code);
  boost::asio::awaitable<void> Refuse(http::Response response);
  // Completes the WebSocket handshake for `request`. Fails if the client went away.
  boost::asio::awaitable<Status> Accept(const http::Request& request);
  // Closes an accepted WebSocket that serves no session, with a close frame.
  boost::asio::awaitable<void> Close();

  // For a polling session: runs the probe and the upgrade, then serves the session
  // until the connection ends. If the probe fails the session goes on polling.
  boost::asio::awaitable<void> Upgrade(const std::shared_ptr<EioSession>& session);
  // Serves `session` (whose transport this is) until the connection ends.
  boost::asio::awaitable<void> Serve(const std::shared_ptr<EioSession>& session);

  // The session queued packets: the writer resumes.
  void Wake();
  // Cuts the connection now; pending reads and writes end with an error.
  void Abort();

 private:
  // The probe and the upgrade packet; fails on anything else.
  boost::asio::awaitable<Status> Probe(EioSession& session);
  // Reads one message and parses it as an Engine.IO packet. A message larger than
  // max_payload is answered with the closing handshake (1009), draining what the client
  // still sends, so that it sees the close code rather than a reset.
  boost::asio::awaitable<Result<EioPacket>> ReadPacket();
  // Cuts the connection if the write (or, `closing`, the closing handshake) started now
  // does not end within the write timeout; Disarm when it has.
  void ArmWriteDeadline(bool closing = false);
  void DisarmWriteDeadline();
  // Writes the session's queue until it ends; closes the WebSocket cleanly when the
  // session is closing gracefully. `keep_alive` holds this transport while it runs.
  boost::asio::awaitable<void> WriteQueue(std::shared_ptr<WebSocketTransport> keep_alive,
                                          std::shared_ptr<EioSession> session);

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer read_buffer_;
  boost::asio::steady_timer wake_;              // the writer waits on it while the queue is empty
  boost::asio::steady_timer upgrade_deadline_;  // aborts a probe that does not finish in time
  boost::asio::steady_timer write_deadline_;    // aborts a write that stalls
  const EioOptions& options_;
  bool aborted_ = false;
};

}  // namespace la
