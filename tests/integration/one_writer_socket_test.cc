// Beast's own frames (a pong, the close frame that fails a connection) while a raw write of
// the WebSocket transport is pending, on a real loopback connection whose buffers are made
// small, so that a 1 MB frame cannot be taken at once: the raw write is surely pending
// until the client reads, whatever the machine's TCP buffer settings. The client is a
// Beast WebSocket client, which fails on any byte out of place. No external servers.
#include "socketio/internal/one_writer_socket.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "socketio/protocol/websocket_frame.h"

namespace la {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr size_t kPayloadBytes = 1 << 20;
constexpr int kSmallBuffer = 4096;

class OneWriterSocketTest : public testing::Test {
 protected:
  void SetUp() override {
    tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
    tcp::socket client_socket(io_);
    client_socket.open(tcp::v4());
    client_socket.set_option(asio::socket_base::receive_buffer_size(kSmallBuffer));
    client_socket.connect(acceptor.local_endpoint());
    tcp::socket server_socket = acceptor.accept();
    server_socket.set_option(asio::socket_base::send_buffer_size(kSmallBuffer));
    server_.emplace(OneWriterSocket(std::move(server_socket)));
    client_.emplace(std::move(client_socket));

    bool accepted = false, connected = false;
    server_->async_accept([&](beast::error_code ec) { accepted = !ec; });
    client_->async_handshake("127.0.0.1", "/", [&](beast::error_code ec) { connected = !ec; });
    ASSERT_TRUE(RunUntil([&] { return accepted && connected; }));
    server_->next_layer().WatchBeastWrites();
    client_->control_callback([this](websocket::frame_type kind, beast::string_view payload) {
      if (kind == websocket::frame_type::pong) events_.push_back("pong " + std::string(payload));
    });
  }

  // Runs the io_context until `done` or 10 s have passed; whether `done`.
  bool RunUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  // Starts writing one frame of kPayloadBytes 'a's straight to the server's socket, as the
  // transport's writer does; it stays pending until the client reads.
  void StartRawWrite() {
    header_ = ServerFrameHeader(/*binary=*/false, kPayloadBytes);
    payload_.assign(kPayloadBytes, 'a');
    server_->next_layer().MarkRawWrite(true);
    asio::async_write(server_->next_layer().next_layer(),
                      std::vector<asio::const_buffer>{
                          asio::buffer(header_.bytes.data(), header_.size), asio::buffer(payload_)},
                      [this](const boost::system::error_code& ec, size_t) {
                        server_->next_layer().MarkRawWrite(false);
                        raw_written_ = !ec;
                      });
    io_.restart();
    io_.run_for(std::chrono::milliseconds(100));
    ASSERT_FALSE(raw_written_) << "the raw write went out at once: the test checks nothing";
  }

  // The server reads (Beast answers control frames and fails bad frames while reading).
  void StartServerRead() {
    server_->async_read(server_buffer_, [this](beast::error_code ec, size_t) {
      server_read_error_ = ec;
      server_read_done_ = true;
    });
  }

  // The client reads one message, added to the events: "the raw frame, whole", "message
  // <text>" for a short one, "closed" when a close frame ended the read, or the error.
  void ClientRead() {
    bool done = false;
    client_buffer_.clear();
    client_->async_read(client_buffer_, [&](beast::error_code ec, size_t) {
      const std::string text = beast::buffers_to_string(client_buffer_.data());
      if (ec == websocket::error::closed) {
        events_.push_back("closed");
      } else if (ec) {
        events_.push_back("error: " + ec.message());
      } else if (text == payload_) {
        events_.push_back("the raw frame, whole");
      } else {
        events_.push_back(text.size() < 100 ? "message " + text
                                            : std::to_string(text.size()) + " other bytes");
      }
      done = true;
    });
    ASSERT_TRUE(RunUntil([&] { return done; })) << "the client read nothing";
  }

  asio::io_context io_;
  std::optional<websocket::stream<OneWriterSocket>> server_;
  std::optional<websocket::stream<tcp::socket>> client_;
  WebSocketFrameHeader header_;
  std::string payload_;
  bool raw_written_ = false;
  beast::flat_buffer server_buffer_;
  bool server_read_done_ = false;
  beast::error_code server_read_error_;
  beast::flat_buffer client_buffer_;
  std::vector<std::string> events_;  // what the client got, in order
};

TEST_F(OneWriterSocketTest, APongDueDuringARawWriteWaitsForIt) {
  StartRawWrite();
  StartServerRead();
  bool pinged = false;
  client_->async_ping("are you there", [&](beast::error_code ec) { pinged = !ec; });
  ASSERT_TRUE(RunUntil([&] { return pinged && server_->next_layer().beast_wrote(); }))
      << "the server did not start its pong";
  ASSERT_FALSE(raw_written_);

  ClientRead();  // the raw frame, then the pong (read with the next message)
  server_->text(true);
  bool sent = false;
  server_->async_write(asio::buffer(std::string("after")),
                       [&](beast::error_code ec, size_t) { sent = !ec; });
  ClientRead();
  EXPECT_TRUE(sent);
  EXPECT_TRUE(raw_written_);
  EXPECT_EQ(events_, (std::vector<std::string>{"the raw frame, whole", "pong are you there",
                                               "message after"}));
}

TEST_F(OneWriterSocketTest, ACloseFrameForInvalidUtf8DuringARawWriteWaitsForIt) {
  StartRawWrite();
  StartServerRead();
  client_->text(true);
  bool sent = false;
  client_->async_write(asio::buffer(std::string("42\xc3\x28")),
                       [&](beast::error_code ec, size_t) { sent = !ec; });
  ASSERT_TRUE(RunUntil([&] { return sent && server_->next_layer().beast_wrote(); }))
      << "the server did not start its close frame";
  ASSERT_FALSE(raw_written_);

  ClientRead();  // the raw frame
  ClientRead();  // the close frame ends the next read
  RunUntil([&] { return server_read_done_; });
  EXPECT_TRUE(raw_written_);
  EXPECT_EQ(events_, (std::vector<std::string>{"the raw frame, whole", "closed"}));
  EXPECT_EQ(client_->reason().code, websocket::close_code::bad_payload);
  EXPECT_EQ(server_read_error_, websocket::error::bad_frame_payload);
}

}  // namespace
}  // namespace la
