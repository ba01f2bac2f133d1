// The HTTP server on a real loopback socket: keep-alive, pipelining, limits,
// timeouts against slow clients, and a graceful shutdown that lets in-flight
// requests finish. No external servers are involved.
#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>

#include "http/server.h"

namespace la::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

class HttpServerTest : public testing::Test {
 protected:
  void SetUp() override {
    router_.Add(beast_http::verb::get, "/echo", [](RequestContext& c) -> asio::awaitable<Response> {
      co_return TextResponse(Status::ok, QueryParameter(c.query, "n"), "text/plain");
    });
    router_.Add(beast_http::verb::get, "/slow", [](RequestContext&) -> asio::awaitable<Response> {
      asio::steady_timer timer(co_await asio::this_coro::executor, 500ms);
      co_await timer.async_wait(asio::use_awaitable);
      co_return TextResponse(Status::ok, "done", "text/plain");
    });
    router_.AddPrefix(
        "/big", "/big",
        [](RequestContext&) -> asio::awaitable<Response> {
          co_return TextResponse(Status::ok, "big", "text/plain");
        },
        100000);
    router_.Add(beast_http::verb::get, "/hang",
                [this](RequestContext& c) -> asio::awaitable<Response> {
                  // Waits (up to 3 s) for the client to hang up, and records whether it was
                  // noticed.
                  asio::steady_timer timer(co_await asio::this_coro::executor);
                  for (int i = 0; i < 300 && !c.client_gone->load(); ++i) {
                    timer.expires_after(10ms);
                    co_await timer.async_wait(asio::use_awaitable);
                  }
                  hang_up_seen_ = c.client_gone->load();
                  co_return TextResponse(Status::ok, "late", "text/plain");
                });
    ServerLimits limits;
    limits.header_timeout = 1s;
    limits.idle_timeout = 2s;
    limits.max_body_bytes = 64;
    server_ = std::make_unique<HttpServer>(io_, router_, limits);
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    thread_.join();
  }

  tcp::socket Connect() {
    tcp::socket socket(client_io_);
    socket.connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server_->port())});
    return socket;
  }
  // Reads until the connection closes or `timeout`; returns what arrived.
  static std::string ReadAll(tcp::socket& socket, std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    socket.non_blocking(true);
    char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      boost::system::error_code ec;
      size_t n = socket.read_some(asio::buffer(buffer), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(10ms);
        continue;
      }
      if (ec) break;
      out.append(buffer, n);
    }
    return out;
  }
  static size_t Count(const std::string& text, const std::string& what) {
    size_t count = 0;
    for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
      ++count;
    return count;
  }

  asio::io_context io_{1};
  asio::io_context client_io_;
  prometheus::Registry metrics_;
  Router router_{metrics_};
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<bool> hang_up_seen_{false};
};

TEST_F(HttpServerTest, PipelinedRequestsOnOneConnectionAreAnsweredInOrder) {
  tcp::socket socket = Connect();
  std::string requests;
  for (int i = 1; i <= 3; ++i)
    requests += "GET /echo?n=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  requests += "GET /echo?n=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(requests));
  const std::string responses = ReadAll(socket, 3s);
  EXPECT_EQ(Count(responses, "HTTP/1.1 200 OK"), 4u) << responses;
  const size_t one = responses.find("\r\n\r\n1"), two = responses.find("\r\n\r\n2"),
               four = responses.find("\r\n\r\n4");
  ASSERT_NE(one, std::string::npos);
  EXPECT_LT(one, two);
  EXPECT_LT(two, four);
}

TEST_F(HttpServerTest, SlowHeaderIsCutOffAfterTheHeaderTimeout) {
  tcp::socket socket = Connect();
  asio::write(socket, asio::buffer(std::string("GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n")));
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = ReadAll(socket, 5s);  // returns when the server closes
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(answer.find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  tcp::socket socket = Connect();
  asio::write(socket, asio::buffer(std::string("GET /echo?n=7 HTTP/1.1\r\nHost: x\r\n\r\n")));
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = ReadAll(socket, 6s);
  EXPECT_NE(answer.find("200 OK"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s) << "closed after the 2 s idle timeout";
}

TEST_F(HttpServerTest, OversizedHeaderAndBodyAreRefused) {
  tcp::socket big_header = Connect();
  asio::write(big_header, asio::buffer("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                       std::string(10000, 'a') + "\r\n\r\n"));
  EXPECT_NE(ReadAll(big_header, 3s).find("431"), std::string::npos);
  tcp::socket big_body = Connect();
  asio::write(big_body,
              asio::buffer("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                           std::string(100, 'b')));
  const std::string answer = ReadAll(big_body, 3s);
  EXPECT_NE(answer.find("413"), std::string::npos) << answer;
  EXPECT_NE(answer.find("larger than 64 bytes"), std::string::npos) << answer;
}

TEST_F(HttpServerTest, AChunkedBodyIsRefusedAtItsRoutesLimitNotTheLargestOne) {
  // 200 bytes of a body that never ends: /echo's limit is 64 bytes, /big's 100000. The
  // refusal must come at 64 bytes, not after waiting for the rest.
  tcp::socket socket = Connect();
  asio::write(socket,
              asio::buffer("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "c8\r\n" +
                           std::string(200, 'c')));
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = ReadAll(socket, 5s);
  EXPECT_NE(answer.find("413"), std::string::npos) << answer;
  EXPECT_NE(answer.find("larger than 64 bytes"), std::string::npos) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  tcp::socket big = Connect();
  asio::write(
      big,
      asio::buffer(
          "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          "c8\r\n" +
          std::string(200, 'c') + "\r\n0\r\n\r\n"));
  EXPECT_NE(ReadAll(big, 3s).find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, AHandlerLearnsThatItsClientHungUp) {
  {
    tcp::socket socket = Connect();
    asio::write(socket, asio::buffer(std::string("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")));
    std::this_thread::sleep_for(100ms);
  }  // closed with the request in flight
  for (int i = 0; i < 300 && !hang_up_seen_; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(hang_up_seen_);
}

TEST(HttpServerCapsTest, ConnectionsOverThePerAddressCapAreRefusedUnlessFromATrustedProxy) {
  for (const bool trusted : {false, true}) {
    asio::io_context io{1};
    prometheus::Registry metrics;
    Router router(metrics);
    ServerLimits limits;
    limits.max_connections_per_address = 2;
    limits.trusted_proxies = *TrustedProxies::Parse(trusted ? "127.0.0.1" : "");
    HttpServer server(io, router, limits);
    ASSERT_TRUE(server.Listen("127.0.0.1", 0).ok());
    std::thread thread([&] { io.run(); });
    asio::io_context client_io;
    std::vector<tcp::socket> sockets;
    for (int i = 0; i < 3; ++i) {
      sockets.emplace_back(client_io);
      sockets.back().connect(
          {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server.port())});
    }
    // What the third connection receives within a second (a refusal closes it).
    std::string answer;
    sockets.back().non_blocking(true);
    for (int i = 0; i < 100; ++i) {
      char buffer[1024];
      boost::system::error_code ec;
      const size_t n = sockets.back().read_some(asio::buffer(buffer), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(10ms);
        continue;
      }
      if (ec) break;
      answer.append(buffer, n);
    }
    if (trusted) {
      EXPECT_EQ(answer, "") << "a trusted proxy's connections are not capped per address";
    } else {
      EXPECT_NE(answer.find("503"), std::string::npos) << answer;
      EXPECT_NE(answer.find("too many connections from 127.0.0.1 (limit 2)"), std::string::npos)
          << answer;
    }
    io.stop();
    thread.join();
  }
}

TEST_F(HttpServerTest, ShutdownLetsInFlightRequestsFinishAndClosesIdleOnes) {
  tcp::socket idle = Connect();
  tcp::socket busy = Connect();
  asio::write(busy, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::this_thread::sleep_for(100ms);
  std::atomic<bool> done{false};
  server_->Shutdown(5s, [&] { done = true; });
  const std::string answer = ReadAll(busy, 3s);
  EXPECT_NE(answer.find("200 OK"), std::string::npos) << answer;
  EXPECT_NE(answer.find("done"), std::string::npos);
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(ReadAll(idle, 2s).empty());  // closed without a response
  for (int i = 0; i < 100 && !done; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(done);
  EXPECT_EQ(server_->open_connections(), 0u);
  boost::system::error_code ec;
  tcp::socket late(client_io_);
  late.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server_->port())},
               ec);
  EXPECT_TRUE(ec) << "no longer accepting";
}

}  // namespace
}  // namespace la::http
