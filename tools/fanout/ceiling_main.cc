// la-fanout-ceiling: what WebSocket fan-out costs on this machine with nothing on top, for
// bench/fanout to report the api node as a ratio of it. One thread, 127.0.0.1 only.
//
//   la-fanout-ceiling --port P --publish-port Q
//
// On --port it speaks just enough Engine.IO/Socket.IO for la-fanout-client: the WebSocket
// handshake, the open packet, an ack of the CONNECT to "/" (the token is not checked) and
// an empty snapshot; no heartbeat. On --publish-port it takes RESP `PUBLISH <channel> <message>`
// like Redis, and writes ONE pre-encoded frame, 42["statsUpdate",<message>], to every joined
// socket: the same bytes an api node sends its dashboards for that message.
// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on
#include <openssl/sha.h>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <iostream>
#include <memory>
#include <unordered_set>

#include "core/base64.h"
#include "socketio/protocol/engineio.h"
#include "tools/fanout/fanout_packet.h"
#include "tools/fanout/websocket_frame.h"

namespace la::fanout {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Frame = std::shared_ptr<const std::string>;

struct Dashboard {
  explicit Dashboard(tcp::socket s) : socket(std::move(s)) { socket.non_blocking(true); }
  tcp::socket socket;
  std::deque<Frame> queue;   // frames not yet written; the first one is being written
  size_t front_written = 0;  // bytes of queue.front() written before the async write
};
using DashboardPtr = std::shared_ptr<Dashboard>;

std::unordered_set<DashboardPtr> joined;

Frame ServerFrame(std::string_view text) {
  auto frame = std::make_shared<std::string>();
  AppendWsFrame(*frame, WebSocketOpcode::kText, text, std::nullopt);
  return frame;
}

void WriteNext(const DashboardPtr& d) {
  asio::async_write(d->socket, asio::buffer(*d->queue.front()) + d->front_written,
                    [d](boost::system::error_code ec, size_t) {
                      d->front_written = 0;
                      d->queue.pop_front();
                      if (!ec && !d->queue.empty()) WriteNext(d);
                    });
}

// The floor of a broadcast: one send() per socket, straight from the shared frame; only a
// socket whose buffer is full gets a queue and an asynchronous write.
void Send(const DashboardPtr& d, Frame frame) {
  if (d->queue.empty()) {
    boost::system::error_code ec;
    const size_t written = d->socket.write_some(asio::buffer(*frame), ec);
    if (written == frame->size() || (ec && ec != asio::error::would_block)) return;
    d->front_written = written;  // an error ends the session in its read loop
  }
  d->queue.push_back(std::move(frame));
  if (d->queue.size() == 1) WriteNext(d);
}

std::string AcceptKey(std::string_view head) {
  constexpr std::string_view kName = "sec-websocket-key:";
  std::string lower(head);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find(kName);
  if (at == std::string::npos) return "";
  std::string key(head.substr(at + kName.size(), head.find('\r', at) - at - kName.size()));
  key.erase(0, key.find_first_not_of(' '));
  key += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 §1.3
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return EncodeBase64({reinterpret_cast<const char*>(digest), sizeof digest},
                      Base64Alphabet::kStandard, true);
}

awaitable<void> ServeDashboard(DashboardPtr d) {
  std::string in;
  const size_t head_end = co_await asio::async_read_until(d->socket, asio::dynamic_buffer(in),
                                                          "\r\n\r\n", use_awaitable);
  const std::string accept = AcceptKey(std::string_view(in).substr(0, head_end));
  in.erase(0, head_end);
  if (accept.empty()) co_return;
  auto hello = std::make_shared<std::string>(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      accept + "\r\n\r\n");
  AppendWsFrame(*hello, WebSocketOpcode::kText,
                EncodeOpenPacket("ceiling0000000000000", {}, std::chrono::seconds(25),
                                 std::chrono::seconds(20), 1000000),
                std::nullopt);
  Send(d, std::move(hello));
  for (char chunk[4096];;) {
    for (;;) {  // the frames already read
      const auto* bytes = reinterpret_cast<const uint8_t*>(in.data());
      auto header = DecodeWsFrameHeader({bytes, in.size()}, true, 1 << 20);
      if (!header.ok() || (*header && (*header)->opcode == WebSocketOpcode::kClose)) co_return;
      if (!*header || (*header)->frame_size() > in.size()) break;
      const WsFrameHeader& h = **header;
      std::span payload(reinterpret_cast<uint8_t*>(in.data()) + h.header_size, h.payload_size);
      ApplyWsMask(payload, *h.mask);
      if (std::string_view(in).substr(h.header_size, 2) == "40" && !joined.contains(d)) {
        Send(d, ServerFrame("40{\"sid\":\"ceiling0000000000000\"}"));
        Send(d, ServerFrame(EncodeStatsUpdateEvent("[]")));  // the (empty) snapshot
        joined.insert(d);
      }
      in.erase(0, h.frame_size());
    }
    const size_t n = co_await d->socket.async_read_some(asio::buffer(chunk), use_awaitable);
    in.append(chunk, n);
  }
}

awaitable<void> ServePublisher(tcp::socket socket) {
  std::string in;
  for (;;) {
    // *3 $7 PUBLISH $<n> <channel> $<n> <message>: the message is the last line.
    std::string message;
    for (int line = 0; line < 7; ++line) {
      const size_t end =
          co_await asio::async_read_until(socket, asio::dynamic_buffer(in), "\r\n", use_awaitable);
      if (line == 6) message = in.substr(0, end - 2);
      in.erase(0, end);
    }
    const Frame frame = ServerFrame(EncodeStatsUpdateEvent(message));
    for (const DashboardPtr& d : joined) Send(d, frame);
    co_await asio::async_write(socket, asio::buffer(":" + std::to_string(joined.size()) + "\r\n"),
                               use_awaitable);
  }
}

awaitable<void> Accept(tcp::acceptor acceptor, bool publisher) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
    if (publisher) {
      asio::co_spawn(acceptor.get_executor(), ServePublisher(std::move(socket)), asio::detached);
      continue;
    }
    auto d = std::make_shared<Dashboard>(std::move(socket));
    asio::co_spawn(acceptor.get_executor(), ServeDashboard(d), [d](std::exception_ptr) {
      joined.erase(d);
      boost::system::error_code ignored;
      d->socket.close(ignored);
    });
  }
}

}  // namespace
}  // namespace la::fanout

int main(int argc, char** argv) {
  using namespace la::fanout;
  int port = 0, publish_port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--port") port = std::atoi(argv[i + 1]);
    if (flag == "--publish-port") publish_port = std::atoi(argv[i + 1]);
  }
  if (port <= 0 || port > 65535 || publish_port <= 0 || publish_port > 65535) {
    std::cerr << "usage: la-fanout-ceiling --port P --publish-port Q (ports on 127.0.0.1)\n";
    return 2;
  }
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;  // one descriptor per dashboard
  setrlimit(RLIMIT_NOFILE, &limit);
  asio::io_context io(1);
  const auto loopback = asio::ip::address_v4::loopback();
  try {
    tcp::acceptor dashboards(io, {loopback, static_cast<uint16_t>(port)});
    dashboards.listen(4096);
    tcp::acceptor publishers(io, {loopback, static_cast<uint16_t>(publish_port)});
    asio::co_spawn(io, Accept(std::move(dashboards), false), asio::detached);
    asio::co_spawn(io, Accept(std::move(publishers), true), asio::detached);
  } catch (const std::exception& e) {
    std::cerr << "la-fanout-ceiling: cannot listen on 127.0.0.1:" << port
              << " and :" << publish_port << ": " << e.what() << "\n";
    return 1;
  }
  io.run();
  return 0;
}
