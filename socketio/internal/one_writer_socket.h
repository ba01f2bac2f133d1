// The TCP socket under a WebSocketTransport's Beast stream, letting one writer at a time at
// it. The transport writes frames it built itself straight to the socket (one gathered
// write for many packets, MarkRawWrite); Beast writes frames of its own through this
// layer: a pong, or the close frame with which it fails a connection on a protocol error
// (invalid UTF-8: 1007, a bad frame: 1002). While a raw write is pending, Beast's writes
// wait for it to end, so the bytes of two frames never interleave; and once Beast has
// written on its own (beast_wrote()), the transport leaves every later write to Beast's
// writer, which serializes with Beast's own frames.
//
// Not thread-safe: used on the transport's lane.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace la {

class OneWriterSocket {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using next_layer_type = socket_type;

  explicit OneWriterSocket(socket_type socket) : socket_(std::move(socket)) {}

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  socket_type& next_layer() { return socket_; }
  const socket_type& next_layer() const { return socket_; }

  // From now on a write through this layer is Beast's own (the handshakes before it are not).
  void WatchBeastWrites() { watching_ = true; }
  bool beast_wrote() const { return beast_wrote_; }
  // The transport starts / ended a raw write on next_layer(); ending it lets the writes
  // that waited for it go.
  void MarkRawWrite(bool pending);

  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    return boost::asio::async_initiate<Handler, void(boost::system::error_code, std::size_t)>(
        [this](auto completion, const ConstBuffers& to_write) {
          if (watching_) beast_wrote_ = true;
          if (!raw_write_pending_) return socket_.async_write_some(to_write, std::move(completion));
          // Beast's buffers stay valid: its operation waits for this completion.
          auto waiting = std::make_shared<decltype(completion)>(std::move(completion));
          waiting_.push_back([this, waiting, to_write] {
            socket_.async_write_some(to_write, std::move(*waiting));
          });
        },
        handler, buffers);
  }

 private:
  socket_type socket_;
  bool watching_ = false;
  bool beast_wrote_ = false;
  bool raw_write_pending_ = false;
  std::vector<std::function<void()>> waiting_;  // Beast's writes, until the raw one ends
};

// Beast closes the TCP connection of a WebSocket through these (found by argument lookup).
void teardown(boost::beast::role_type role, OneWriterSocket& socket, boost::system::error_code& ec);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, OneWriterSocket& socket,
                    TeardownHandler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, socket.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace la
