#include "socketio/internal/websocket_transport.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>
#include <optional>
#include <vector>

#include "async/blocking.h"
#include "socketio/protocol/websocket_frame.h"

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

constexpr size_t kFirstReadBytes = 128;

std::string PacketTypeName(EioPacketType type) { return std::to_string(static_cast<int>(type)); }

}  // namespace

WebSocketTransport::WebSocketTransport(asio::ip::tcp::socket socket, const EioOptions& options)
    : ws_(OneWriterSocket(std::move(socket))),
      upgrade_deadline_(ws_.get_executor()),
      write_deadline_(ws_.get_executor()),
      options_(options) {
  // ReadPacket enforces max_payload itself: Beast's own limit cuts the connection with the
  // rest of the message unread, which the client sees as a reset (1006), not 1009.
  ws_.read_message_max(0);
  // A message Beast writes (once it wrote a frame of its own) goes out as one frame, as our
  // own writer's do: not in 4 KB fragments, one write system call each.
  ws_.auto_fragment(false);
  // Liveness is the Engine.IO heartbeat's job; Beast only bounds the handshakes.
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  // The writer sends without blocking and waits only for what the socket does not take.
  boost::system::error_code ec;
  beast::get_lowest_layer(ws_).non_blocking(true, ec);
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
  closed_ = true;
  ArmWriteDeadline(/*closing=*/true);
  co_await ws_.async_close(websocket::close_code::normal, redirect_error(use_awaitable, ec));
  DisarmWriteDeadline();
  Abort();
}

asio::awaitable<void> WebSocketTransport::Upgrade(std::weak_ptr<TransportSink> sink,
                                                  std::shared_ptr<OutgoingQueue> outgoing) {
  // A probe that does not finish in time is dropped; the session goes on polling.
  upgrade_deadline_.expires_after(options_.upgrade_timeout);
  upgrade_deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (auto transport = weak.lock(); transport && !ec) transport->Abort();
  });
  Status upgraded = Status::Error("the session ended during the upgrade");
  if (auto session = sink.lock()) upgraded = co_await Probe(*session);
  upgrade_deadline_.cancel();
  if (!upgraded.ok()) {
    if (auto session = sink.lock()) session->OnTransportEnded(*this, upgraded.message());
    Abort();
    co_return;
  }
  Serve(std::move(sink), std::move(outgoing));
}

asio::awaitable<Status> WebSocketTransport::Probe(TransportSink& sink) {
  Result<EioPacket> probe = co_await NextPacket();
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
  sink.OnProbeAnswered();

  Result<EioPacket> upgrade = co_await NextPacket();
  if (!upgrade.ok()) co_return upgrade.status();
  if (upgrade->type != EioPacketType::kUpgrade) {
    co_return Status::Error("expected the upgrade packet \"5\", got packet type " +
                            PacketTypeName(upgrade->type));
  }
  if (!sink.OnUpgrade(*this)) co_return Status::Error("the session ended during the upgrade");
  co_return Status::Ok();
}

void WebSocketTransport::Serve(std::weak_ptr<TransportSink> sink,
                               std::shared_ptr<OutgoingQueue> outgoing) {
  sink_ = std::move(sink);
  outgoing_ = std::move(outgoing);
  ws_.next_layer().WatchBeastWrites();
  WriteNext();
  ServeNextPacket();
}

void WebSocketTransport::ServeNextPacket() {
  ReadPacket([self = shared_from_this()](Result<EioPacket> packet) {
    auto sink = self->sink_.lock();
    if (sink && !packet.ok()) sink->OnTransportEnded(*self, packet.status().message());
    if (!sink || !packet.ok()) return self->Abort();
    sink->OnPacket(*packet);
    self->ServeNextPacket();
  });
}

asio::awaitable<Result<EioPacket>> WebSocketTransport::NextPacket() {
  return async::AwaitCallback<Result<EioPacket>>(
      [self = shared_from_this()](std::function<void(Result<EioPacket>)> done) {
        self->ReadPacket(std::move(done));
      });
}

void WebSocketTransport::ReadPacket(PacketCallback done) {
  on_packet_ = std::move(done);
  read_buffer_.clear();
  ReadMore();
}

void WebSocketTransport::ReadMore() {
  // The buffer grows with the message, from a small first read (most client messages are
  // a few bytes: a pong, a subscribe), so that an idle connection's pending read holds
  // little memory. Beast reads from the socket into its own buffer either way.
  const size_t room = std::min(options_.max_payload + 1 - read_buffer_.size(),
                               std::max(kFirstReadBytes, read_buffer_.size()));
  ws_.async_read_some(
      read_buffer_, room,
      [self = shared_from_this()](const beast::error_code& ec, size_t) { self->OnRead(ec); });
}

void WebSocketTransport::OnRead(const beast::error_code& ec) {
  if (ec == websocket::error::closed) {
    return Deliver(Status::Error("the client closed the WebSocket"));
  }
  if (ec) return Deliver(Status::Error("WebSocket read failed: " + ec.message()));
  if (read_buffer_.size() > options_.max_payload) return RefuseOversizedMessage();
  if (!ws_.is_message_done()) return ReadMore();
  const auto bytes = read_buffer_.cdata();
  Result<EioPacket> packet = DecodeWebSocketFrame(
      std::string_view(static_cast<const char*>(bytes.data()), bytes.size()), ws_.got_binary());
  // The packet holds a copy: an idle connection keeps no read buffer (clients send rarely:
  // a pong every ping interval, a few events).
  read_buffer_.clear();
  read_buffer_.shrink_to_fit();
  if (!packet.ok()) {
    return Deliver(Status::Error("malformed WebSocket frame: " + packet.status().message()));
  }
  Deliver(std::move(packet));
}

void WebSocketTransport::RefuseOversizedMessage() {
  read_buffer_.clear();
  read_buffer_.shrink_to_fit();
  std::string reason =
      "a WebSocket message larger than " + std::to_string(options_.max_payload) + " bytes";
  // The closing handshake reads and drops the rest of the message and waits for the
  // client's close frame; the write deadline bounds it.
  closed_ = true;
  ArmWriteDeadline(/*closing=*/true);
  ws_.async_close(
      websocket::close_code::too_big,
      [self = shared_from_this(), reason = std::move(reason)](const beast::error_code&) {
        self->DisarmWriteDeadline();
        self->Deliver(Status::Error(reason + " (closed with 1009)"));
      });
}

void WebSocketTransport::Deliver(Result<EioPacket> packet) {
  PacketCallback done = std::move(on_packet_);
  on_packet_ = nullptr;
  done(std::move(packet));
}

struct OutgoingFrames {
  std::vector<EioPacketText> packets;        // kept alive until written
  std::vector<std::string> binary_payloads;  // the raw bytes of binary packets
  std::vector<WebSocketFrameHeader> headers;
  std::vector<asio::const_buffer> buffers;  // header, payload, header, payload, ...
  size_t bytes = 0;

  void Clear() {
    packets.clear();
    binary_payloads.clear();
    headers.clear();
    buffers.clear();
    bytes = 0;
  }
  // Frames one more packet. `buffers` is filled by Gather once all are in (the vectors
  // may still move their elements until then).
  void Add(EioPacketText packet) {
    std::string_view payload = *packet;
    bool binary = false;
    // A binary message is queued in its polling form, "b" + base64 (no text packet starts
    // with 'b'); over WebSocket it travels as a binary frame of the raw bytes.
    if (!payload.empty() && payload.front() == 'b') {
      if (Result<EioPacket> decoded = DecodePacketText(payload); decoded.ok()) {
        binary_payloads.push_back(EncodeWebSocketFrame(*decoded).bytes);
        binary = true;
      }
    }
    const size_t size = binary ? binary_payloads.back().size() : payload.size();
    headers.push_back(ServerFrameHeader(binary, size));
    bytes += headers.back().size + size;
    packets.push_back(std::move(packet));
  }
  void Gather() {
    size_t next_binary = 0;
    for (size_t i = 0; i < packets.size(); ++i) {
      buffers.push_back(asio::buffer(headers[i].bytes.data(), headers[i].size));
      const bool binary = (headers[i].bytes[0] & 0x0F) == 0x02;
      buffers.push_back(binary ? asio::buffer(binary_payloads[next_binary++])
                               : asio::buffer(*packets[i]));
    }
  }
  // Drops the first `written` bytes from `buffers`.
  void Consume(size_t written) {
    size_t first = 0;
    while (written > 0 && written >= buffers[first].size()) written -= buffers[first++].size();
    buffers.erase(buffers.begin(), buffers.begin() + static_cast<std::ptrdiff_t>(first));
    if (written > 0) buffers.front() += written;
  }
};

namespace {

// Frames gathered in one send: Asio passes at most 64 buffers to one sendmsg, two per frame.
constexpr size_t kMaxFramesPerWrite = 32;

// The frames being gathered for a send on this I/O thread; reused, so a send that the
// socket takes at once allocates nothing.
OutgoingFrames& Scratch() {
  thread_local OutgoingFrames frames;
  frames.Clear();
  return frames;
}

}  // namespace

WebSocketTransport::~WebSocketTransport() = default;

void WebSocketTransport::WriteNext() {
  if (aborted_ || writing_ || closed_ || !outgoing_) return;
  if (ws_.next_layer().beast_wrote() ? WriteOneWithBeast() : WriteGathered()) return;
  if (aborted_ || !outgoing_->closed()) return;  // idle until Flush
  // A graceful end: the queue is empty; the client answers the close frame and the
  // reader ends the session.
  closed_ = writing_ = true;
  ArmWriteDeadline(/*closing=*/true);
  ws_.async_close(websocket::close_code::normal,
                  [self = shared_from_this()](const boost::system::error_code&) {
                    self->writing_ = false;
                    self->DisarmWriteDeadline();
                  });
}

bool WebSocketTransport::WriteGathered() {
  auto& socket = beast::get_lowest_layer(ws_);
  while (true) {
    OutgoingFrames& frames = Scratch();
    while (frames.packets.size() < kMaxFramesPerWrite) {
      EioPacketText packet = outgoing_->TakeFront();
      if (!packet) break;
      frames.Add(std::move(packet));
    }
    if (frames.packets.empty()) return false;
    frames.Gather();
    // The socket is non-blocking: what it does not take now waits for an asynchronous write.
    boost::system::error_code ec;
    const size_t written = socket.write_some(frames.buffers, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
      Abort();
      return false;
    }
    if (written == frames.bytes) continue;
    pending_ = std::make_unique<OutgoingFrames>(std::move(frames));
    pending_->Consume(ec ? 0 : written);
    writing_ = true;
    ArmWriteDeadline();
    ws_.next_layer().MarkRawWrite(true);  // Beast's own frames wait for this write
    asio::async_write(socket, pending_->buffers,
                      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                        self->ws_.next_layer().MarkRawWrite(false);
                        self->OnWritten(error);
                      });
    return true;
  }
}

bool WebSocketTransport::WriteOneWithBeast() {
  EioPacketText packet = outgoing_->TakeFront();
  if (!packet) return false;
  pending_ = std::make_unique<OutgoingFrames>();
  pending_->Add(std::move(packet));
  const bool binary = !pending_->binary_payloads.empty();
  ws_.binary(binary);
  writing_ = true;
  ArmWriteDeadline();
  ws_.async_write(asio::buffer(binary ? pending_->binary_payloads.front() : *pending_->packets[0]),
                  [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                    self->OnWritten(ec);
                  });
  return true;
}

void WebSocketTransport::OnWritten(const boost::system::error_code& ec) {
  writing_ = false;
  if (closed_) {
    ArmWriteDeadline(/*closing=*/true);  // the closing handshake still runs
  } else {
    DisarmWriteDeadline();
  }
  pending_.reset();
  if (ec) return Abort();  // the reader then fails and reports to the session
  WriteNext();
}

void WebSocketTransport::Flush() { WriteNext(); }

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
