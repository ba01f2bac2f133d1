#include "socketio/websocket_transport.h"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>
#include <optional>

namespace la {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::redirect_error;
using asio::use_awaitable;

// The answer to the upgrade probe, "3probe".
const std::string& ProbeAnswer() {
  static const std::string answer = EncodePacketText({EioPacketType::kPong, "probe", false});
  return answer;
}

std::string PacketTypeName(EioPacketType type) { return std::to_string(static_cast<int>(type)); }

}  // namespace

WebSocketTransport::WebSocketTransport(asio::ip::tcp::socket socket, const EioOptions& options)
    : ws_(std::move(socket)),
      upgrade_deadline_(ws_.get_executor()),
      write_deadline_(ws_.get_executor()),
      options_(options) {
  // ReadPacket enforces max_payload itself: Beast's own limit cuts the connection with the
  // rest of the message unread, which the client sees as a reset (1006), not 1009.
  ws_.read_message_max(0);
  // Liveness is the Engine.IO heartbeat's job; Beast only bounds the handshakes.
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
}

asio::awaitable<void> WebSocketTransport::Refuse(EioErrorCode code) {
  http::Response response(static_cast<http::Status>(EioErrorHttpStatus(code)), 11);
  response.set(http::beast_http::field::content_type, "application/json");
  response.body() = EncodeEioErrorBody(code);
  co_await Refuse(std::move(response));
}

asio::awaitable<void> WebSocketTransport::Refuse(http::Response response) {
  response.keep_alive(false);
  response.prepare_payload();
  beast::error_code ec;
  ArmWriteDeadline();
  co_await http::beast_http::async_write(ws_.next_layer(), response,
                                         redirect_error(use_awaitable, ec));
  DisarmWriteDeadline();
  Abort();
}

void WebSocketTransport::ArmWriteDeadline(bool closing) {
  if (options_.write_timeout.count() <= 0) return;
  write_started_ = std::chrono::steady_clock::now();
  write_closing_ = closing;
  if (!watchdog_armed_) ArmWatchdog(*write_started_ + options_.write_timeout);
}

void WebSocketTransport::DisarmWriteDeadline() { write_started_.reset(); }

void WebSocketTransport::ArmWatchdog(std::chrono::steady_clock::time_point at) {
  watchdog_armed_ = true;
  write_deadline_.expires_at(at);
  write_deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto transport = weak.lock();
    if (!transport) return;
    transport->watchdog_armed_ = false;
    if (!ec && !transport->aborted_) transport->OnWatchdog();
  });
}

void WebSocketTransport::OnWatchdog() {
  if (!write_started_) return;  // no write in progress: the next one arms the watchdog again
  const auto deadline = *write_started_ + options_.write_timeout;
  if (std::chrono::steady_clock::now() < deadline) return ArmWatchdog(deadline);
  if (write_closing_) {
    spdlog::debug("engine.io: the WebSocket closing handshake did not finish within {} ms",
                  options_.write_timeout.count());
  } else {
    spdlog::warn(
        "engine.io: a WebSocket write stalled for {} ms (the client does not read); "
        "closing the connection",
        options_.write_timeout.count());
  }
  Abort();
}

asio::awaitable<Status> WebSocketTransport::Accept(const http::Request& request) {
  beast::error_code ec;
  co_await ws_.async_accept(request, redirect_error(use_awaitable, ec));
  if (ec) co_return Status::Error("WebSocket handshake failed: " + ec.message());
  co_return Status::Ok();
}

asio::awaitable<void> WebSocketTransport::Close() {
  beast::error_code ec;
  ArmWriteDeadline(/*closing=*/true);
  co_await ws_.async_close(websocket::close_code::normal, redirect_error(use_awaitable, ec));
  DisarmWriteDeadline();
  Abort();
}

asio::awaitable<void> WebSocketTransport::Upgrade(const std::shared_ptr<EioSession>& session) {
  // A probe that does not finish in time is dropped; the session goes on polling.
  upgrade_deadline_.expires_after(options_.upgrade_timeout);
  upgrade_deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (auto transport = weak.lock(); transport && !ec) transport->Abort();
  });
  Status upgraded = co_await Probe(*session);
  upgrade_deadline_.cancel();
  if (!upgraded.ok()) {
    session->AbandonUpgrade(*this, upgraded.message());
    Abort();
    co_return;
  }
  co_await Serve(session);
}

asio::awaitable<Status> WebSocketTransport::Probe(EioSession& session) {
  Result<EioPacket> probe = co_await ReadPacket();
  if (!probe.ok()) co_return probe.status();
  if (probe->type != EioPacketType::kPing || probe->data != "probe") {
    co_return Status::Error("expected the probe \"2probe\", got packet type " +
                            PacketTypeName(probe->type));
  }
  beast::error_code ec;
  ws_.text(true);
  ArmWriteDeadline();
  co_await ws_.async_write(asio::buffer(ProbeAnswer()), redirect_error(use_awaitable, ec));
  DisarmWriteDeadline();
  if (ec) co_return Status::Error("writing \"3probe\" failed: " + ec.message());
  session.OnProbeAnswered();

  Result<EioPacket> upgrade = co_await ReadPacket();
  if (!upgrade.ok()) co_return upgrade.status();
  if (upgrade->type != EioPacketType::kUpgrade) {
    co_return Status::Error("expected the upgrade packet \"5\", got packet type " +
                            PacketTypeName(upgrade->type));
  }
  if (!session.CompleteUpgrade()) co_return Status::Error("the session ended during the upgrade");
  co_return Status::Ok();
}

asio::awaitable<void> WebSocketTransport::Serve(const std::shared_ptr<EioSession>& session) {
  session_ = session;
  WriteNext();
  while (true) {
    Result<EioPacket> packet = co_await ReadPacket();
    if (!packet.ok()) {
      session->OnWebSocketEnded(*this, packet.status().message());
      break;
    }
    session->OnPacket(*packet);
  }
  Abort();
}

asio::awaitable<Result<EioPacket>> WebSocketTransport::ReadPacket() {
  beast::error_code ec;
  read_buffer_.clear();
  do {
    const size_t room = options_.max_payload + 1 - read_buffer_.size();
    co_await ws_.async_read_some(read_buffer_, room, redirect_error(use_awaitable, ec));
    if (ec == websocket::error::closed) co_return Status::Error("the client closed the WebSocket");
    if (ec) co_return Status::Error("WebSocket read failed: " + ec.message());
    if (read_buffer_.size() > options_.max_payload) {
      read_buffer_.clear();
      read_buffer_.shrink_to_fit();
      // The closing handshake reads and drops the rest of the message and waits for the
      // client's close frame; the write deadline bounds it.
      ArmWriteDeadline(/*closing=*/true);
      co_await ws_.async_close(websocket::close_code::too_big, redirect_error(use_awaitable, ec));
      DisarmWriteDeadline();
      co_return Status::Error("a WebSocket message larger than " +
                              std::to_string(options_.max_payload) + " bytes (closed with 1009)");
    }
  } while (!ws_.is_message_done());
  const auto bytes = read_buffer_.cdata();
  Result<EioPacket> packet = DecodeWebSocketFrame(
      std::string_view(static_cast<const char*>(bytes.data()), bytes.size()), ws_.got_binary());
  if (!packet.ok())
    co_return Status::Error("malformed WebSocket frame: " + packet.status().message());
  co_return packet;
}

void WebSocketTransport::WriteNext() {
  if (aborted_ || writing_ || closed_) return;
  auto session = session_.lock();
  if (!session) return;
  message_ = session->TakeQueuedPacket();
  if (!message_) {
    if (!session->draining()) return;  // idle until Wake
    // A graceful end: the queue is empty; the client answers the close frame and the
    // reader ends the session.
    closed_ = writing_ = true;
    ArmWriteDeadline(/*closing=*/true);
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](const boost::system::error_code&) {
                      self->writing_ = false;
                      self->DisarmWriteDeadline();
                    });
    return;
  }
  // A binary message is queued in its polling form, "b" + base64 (no text packet starts
  // with 'b'); over WebSocket it travels as a binary frame of the raw bytes.
  bool binary = false;
  if (message_->front() == 'b') {
    Result<EioPacket> decoded = DecodePacketText(*message_);
    if (decoded.ok()) {
      binary_message_ = EncodeWebSocketFrame(*decoded).bytes;
      binary = true;
    }
  }
  ws_.binary(binary);
  writing_ = true;
  ArmWriteDeadline();
  ws_.async_write(asio::buffer(binary ? binary_message_ : *message_),
                  [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                    self->OnWritten(ec);
                  });
}

void WebSocketTransport::OnWritten(const boost::system::error_code& ec) {
  writing_ = false;
  DisarmWriteDeadline();
  message_.reset();
  if (!binary_message_.empty()) std::string().swap(binary_message_);
  if (ec) return Abort();  // the reader then fails and reports to the session
  WriteNext();
}

void WebSocketTransport::Wake() { WriteNext(); }

void WebSocketTransport::Abort() {
  if (aborted_) return;
  aborted_ = true;
  beast::error_code ec;
  auto& socket = beast::get_lowest_layer(ws_);
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
  upgrade_deadline_.cancel();
  write_deadline_.cancel();
}

}  // namespace la
