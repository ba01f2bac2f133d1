// The WebSocket transport of an Engine.IO session: one Beast WebSocket over a TCP
// socket that lives on the session's lane. It completes the handshake, runs the
// upgrade probe for a polling session (2probe -> 3probe, then 5), and then reads
// packets into the session (its TransportSink) and writes the session's outgoing queue,
// one packet per frame.
//
// Writes: the packets queued when the writer wakes are framed here (a server
// frame is a short header and the unmasked payload, protocol/websocket_frame.h) and go out
// in one gathered non-blocking send; only what the socket does not take at once waits for
// an asynchronous write. Beast itself writes frames of its own (a pong, a close frame: the
// answer to the client's, or the one that fails the connection on a protocol error such as
// invalid UTF-8); they go through a OneWriterSocket, which holds them back while a write of
// ours is pending, and once Beast has written on its own every later message goes through
// Beast's writer (one message per write): the bytes of two frames never interleave.
//
// Every wait is bounded: the handshakes by Beast's timeouts, the probe by
// EioOptions::upgrade_timeout, every write by EioOptions::write_timeout, and reads by the
// session's heartbeat (a client that sends nothing misses its pong).
//
// Lifetime: pending reads, writes and timers hold the transport; the session holds it as
// its SessionTransport and is held back only weakly.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/message.h"
#include "socketio/eio_options.h"
#include "socketio/internal/one_writer_socket.h"
#include "socketio/internal/outgoing_queue.h"
#include "socketio/internal/transport.h"
#include "socketio/protocol/engineio.h"

namespace la {

// Frames being written: their headers, payloads and the buffers that gather them.
struct OutgoingFrames;

class WebSocketTransport : public SessionTransport,
                           public std::enable_shared_from_this<WebSocketTransport> {
 public:
  ~WebSocketTransport() override;

  // `socket` must already be bound to the lane of the session it will serve.
  WebSocketTransport(boost::asio::ip::tcp::socket socket, const EioOptions& options);

  // Answers the upgrade request with an Engine.IO error, or with `response`, instead of
  // switching protocols.
  boost::asio::awaitable<void> Refuse(EioErrorCode code);
  boost::asio::awaitable<void> Refuse(http::Response response);
  // Completes the WebSocket handshake for `request`. Fails if the client went away.
  boost::asio::awaitable<Status> Accept(const http::Request& request);
  // Closes an accepted WebSocket that serves no session, with a close frame.
  boost::asio::awaitable<void> Close();

  // For a polling session (`sink`, whose packets wait in `outgoing`): runs the probe and
  // the upgrade, then serves the session (Serve). If the probe fails the session goes on
  // polling.
  boost::asio::awaitable<void> Upgrade(std::weak_ptr<TransportSink> sink,
                                       std::shared_ptr<OutgoingQueue> outgoing);
  // Starts serving the session `sink` (whose transport this is) until the connection ends:
  // a chain of read and write callbacks on the lane, which keep the transport alive (no
  // coroutine frame per connection).
  void Serve(std::weak_ptr<TransportSink> sink, std::shared_ptr<OutgoingQueue> outgoing);

  // Packets were queued (or the queue closed): an idle writer starts at once, a busy one
  // takes them when its write ends; after the last packet of a closed queue, the close frame.
  void Flush() override;
  // Nothing to pause: a WebSocket is never probed away from.
  void SetPaused(bool) override {}
  void Retire() override { Abort(); }
  // Cuts the connection now; pending reads and writes end with an error.
  void Abort() override;

 private:
  // The probe and the upgrade packet; fails on anything else.
  boost::asio::awaitable<Status> Probe(TransportSink& sink);
  // Reads one message and parses it as an Engine.IO packet, then calls `done` once. A
  // message larger than max_payload is answered with the closing handshake (1009),
  // draining what the client still sends, so that it sees the close code rather than a
  // reset. NextPacket is the same for a coroutine (the probe).
  using PacketCallback = std::function<void(Result<EioPacket>)>;
  void ReadPacket(PacketCallback done);
  boost::asio::awaitable<Result<EioPacket>> NextPacket();
  void ReadMore();
  void OnRead(const boost::beast::error_code& ec);
  void RefuseOversizedMessage();
  void Deliver(Result<EioPacket> packet);
  // Hands the session each packet read, until the connection ends.
  void ServeNextPacket();
  // Cuts the connection if the write (or, `closing`, the closing handshake) started now
  // does not end within the write timeout; Disarm when it has. These only note the time:
  // one watchdog timer per connection, armed at most once per write timeout (not per
  // write), checks the write in progress when it fires.
  void ArmWriteDeadline(bool closing = false);
  void DisarmWriteDeadline();
  void ArmWatchdog(std::chrono::steady_clock::time_point at);
  void OnWatchdog();
  // The writer, a chain of callbacks on the strand (no coroutine, no wake-up timer): the
  // queued packets framed and sent together, the next ones as soon as those are written;
  // once the queue is empty and the session is closing gracefully, the closing handshake.
  void WriteNext();
  // Sends what is queued, framed and gathered; true if a write is left pending.
  bool WriteGathered();
  // Beast's writer, once Beast wrote a frame of its own: starts writing the next packet, if any.
  bool WriteOneWithBeast();
  void OnWritten(const boost::system::error_code& ec);

  boost::beast::websocket::stream<OneWriterSocket> ws_;
  boost::beast::flat_buffer read_buffer_;
  PacketCallback on_packet_;                    // who gets the packet being read
  boost::asio::steady_timer upgrade_deadline_;  // aborts a probe that does not finish in time
  boost::asio::steady_timer write_deadline_;    // the watchdog: aborts a write that stalls
  const EioOptions& options_;
  bool aborted_ = false;
  std::weak_ptr<TransportSink> sink_;        // set by Serve: the session served
  std::shared_ptr<OutgoingQueue> outgoing_;  // set by Serve: what the writer sends
  bool writing_ = false;                     // a message or the closing handshake is being written
  bool closed_ = false;                      // the closing handshake was started
  // Frames the socket did not take at once, being written (null when none: idle
  // connections hold no write state).
  std::unique_ptr<OutgoingFrames> pending_;
  // The write in progress: when it started, and whether it is the closing handshake.
  std::optional<std::chrono::steady_clock::time_point> write_started_;
  bool write_closing_ = false;
  bool watchdog_armed_ = false;
};

}  // namespace la
