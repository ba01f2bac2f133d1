#include "http/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "async/drain_wait.h"

namespace la::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

// Splits "/path?query" into its two parts.
std::pair<std::string, std::string> SplitTarget(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {std::string(target), ""};
  return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

std::string_view Header(const Request& request, std::string_view name) {
  auto it = request.find(name);
  return it == request.end() ? std::string_view() : std::string_view(it->value());
}

// Sets `gone` if the client closes the connection while its request is handled (nginx
// does when its own client gives up). Data from the client (a pipelined request) ends
// the watch without setting it. Cancelled with the socket's other operations.
void WatchForHangUp(const std::shared_ptr<beast::tcp_stream>& stream,
                    std::shared_ptr<std::atomic<bool>> gone) {
  stream->socket().async_wait(tcp::socket::wait_read, [stream, gone](const beast::error_code& ec) {
    if (ec) return;
    char byte;
    beast::error_code peek_ec;
    stream->socket().non_blocking(true, peek_ec);
    const size_t n =
        stream->socket().receive(asio::buffer(&byte, 1), tcp::socket::message_peek, peek_ec);
    beast::error_code ignored;
    stream->socket().non_blocking(false, ignored);
    if (peek_ec == asio::error::would_block) return;
    if (n == 0 || peek_ec) gone->store(true);
  });
}

// Sends an error that ends the connection, then briefly drains what the client
// is still sending: closing with unread input would reset the connection and
// the client might never see the response.
asio::awaitable<void> RefuseAndClose(beast::tcp_stream& stream, Response& response) {
  beast::error_code ec;
  response.keep_alive(false);
  stream.expires_after(std::chrono::seconds(5));
  co_await beast_http::async_write(stream, response, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(1));
  std::array<char, 16384> sink;
  for (size_t drained = 0; !ec && drained < (1u << 20);) {
    drained += co_await stream.async_read_some(asio::buffer(sink),
                                               asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, Router& router, ServerLimits limits)
    : io_(io),
      router_(router),
      limits_(std::move(limits)),
      acceptor_(io),
      caps_(limits_.max_connections, limits_.max_connections_per_address) {}

la::Status HttpServer::Listen(const std::string& host, int port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return la::Status::Error("cannot listen on \"" + host + "\": not an IP address");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return la::Status::Error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             ec.message() + " (is another process using the port?)");
  }
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(acceptor_.get_executor(), Accept(), asio::detached);
  return la::Status::Ok();
}

asio::awaitable<void> HttpServer::Accept() {
  while (acceptor_.is_open()) {
    beast::error_code ec;
    // Each connection gets its own strand, so its handlers never run concurrently.
    tcp::socket socket(asio::make_strand(io_));
    co_await acceptor_.async_accept(socket, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      spdlog::warn("accept failed: {}", ec.message());
      // Out of file descriptors and similar: back off instead of spinning.
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    std::string peer = ec ? "" : CanonicalAddress(remote.address().to_string());
    const bool peer_is_proxy = limits_.trusted_proxies.Contains(peer);
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    if (CapDecision cap = caps_.TryAcquire(peer, !peer_is_proxy); cap != CapDecision::kAdmitted) {
      asio::co_spawn(stream->get_executor(),
                     Refuse(stream, DescribeCapRefusal(cap, "connections", peer, caps_)),
                     asio::detached);
      continue;
    }
    asio::co_spawn(stream->get_executor(), Serve(stream, std::move(peer), peer_is_proxy),
                   asio::detached);
  }
}

asio::awaitable<void> HttpServer::Refuse(std::shared_ptr<beast::tcp_stream> stream,
                                         std::string reason) {
  spdlog::debug("refusing a connection: {}", reason);
  Response refusal = ErrorResponse(Status::service_unavailable, reason + "; retry later");
  refusal.set(beast_http::field::retry_after, "1");
  co_await RefuseAndClose(*stream, refusal);
  beast::error_code ec;
  stream->socket().close(ec);
}

asio::awaitable<void> HttpServer::Serve(std::shared_ptr<beast::tcp_stream> stream, std::string peer,
                                        bool peer_is_proxy) {
  auto idle = std::make_shared<std::atomic<bool>>(true);
  const uint64_t id = Register(stream, idle);
  beast::flat_buffer buffer;
  beast::error_code ec;
  bool upgraded = false;

  while (!draining_) {
    // Wait for the first byte of the next request with the (long) idle timeout,
    // then give the whole header the (short) header timeout.
    idle->store(true);
    if (buffer.size() == 0) {
      stream->expires_after(limits_.idle_timeout);
      const size_t n = co_await stream->async_read_some(buffer.prepare(4096),
                                                        asio::redirect_error(use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    idle->store(false);
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
    // The parser takes the largest body any route accepts until the path is known; the
    // route's own limit then applies to the body read (a chunked body included).
    parser.body_limit(router_.LargestBodyLimit(limits_.max_body_bytes));
    stream->expires_after(limits_.header_timeout);
    co_await beast_http::async_read_header(*stream, buffer, parser,
                                           asio::redirect_error(use_awaitable, ec));
    if (ec == beast_http::error::header_limit) {
      Response refusal = ErrorResponse(
          Status::request_header_fields_too_large,
          "request header is larger than " + std::to_string(limits_.max_header_bytes) + " bytes");
      co_await RefuseAndClose(*stream, refusal);
      break;
    }
    // A Content-Length over the limit already fails the header read.
    bool too_large = ec == beast_http::error::body_limit;
    if (ec && !too_large) break;

    auto [path, query] = SplitTarget(parser.get().target());
    const size_t body_limit =
        router_.BodyLimit(path, parser.get().method(), limits_.max_body_bytes);
    too_large = too_large || parser.content_length().value_or(0) > body_limit;
    if (!too_large) parser.body_limit(body_limit);
    if (beast::websocket::is_upgrade(parser.get())) {
      if (const UpgradeHandler* upgrade = router_.FindUpgradeHandler(path)) {
        stream->expires_never();
        Unregister(id);
        // An upgraded connection is counted by the upgrade handler's own caps from here on.
        caps_.Release(peer, !peer_is_proxy);
        upgraded = true;
        std::string client =
            ClientAddress(peer, Header(parser.get(), "X-Real-IP"),
                          Header(parser.get(), "X-Forwarded-For"), limits_.trusted_proxies);
        (*upgrade)(std::move(*stream), parser.release(), std::move(client));
        co_return;
      }
    }

    if (!too_large && parser.get()[beast_http::field::expect] == "100-continue") {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(*stream, asio::buffer(kContinue),
                                 asio::redirect_error(use_awaitable, ec));
      if (ec) break;
    }
    if (!too_large) {
      stream->expires_after(limits_.io_timeout);
      co_await beast_http::async_read(*stream, buffer, parser,
                                      asio::redirect_error(use_awaitable, ec));
      // A chunked body has no Content-Length: its size is known only now.
      too_large =
          ec == beast_http::error::body_limit || (!ec && parser.get().body().size() > body_limit);
    }
    if (too_large) {
      Response refusal =
          ErrorResponse(Status::payload_too_large,
                        "request body is larger than " + std::to_string(body_limit) + " bytes");
      co_await RefuseAndClose(*stream, refusal);
      break;
    }
    if (ec) break;

    Request request = parser.release();
    auto gone = std::make_shared<std::atomic<bool>>(false);
    RequestContext context{
        request, std::move(path), std::move(query),
        ClientAddress(peer, Header(request, "X-Real-IP"), Header(request, "X-Forwarded-For"),
                      limits_.trusted_proxies),
        gone};
    stream->expires_never();  // handlers may hold a request (long-polling)
    if (buffer.size() == 0) WatchForHangUp(stream, gone);  // pipelined bytes: nothing to watch for
    Response response = co_await router_.Dispatch(context);
    stream->socket().cancel(ec);  // ends the watch
    response.keep_alive(request.keep_alive() && !draining_);
    stream->expires_after(limits_.io_timeout);
    co_await beast_http::async_write(*stream, response, asio::redirect_error(use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  if (!upgraded) {
    stream->socket().shutdown(tcp::socket::shutdown_send, ec);
    stream->close();
    Unregister(id);
    caps_.Release(peer, !peer_is_proxy);
  }
}

uint64_t HttpServer::Register(const std::shared_ptr<beast::tcp_stream>& stream,
                              std::shared_ptr<std::atomic<bool>> idle) {
  std::lock_guard lock(mutex_);
  connections_.emplace(next_id_, Connection{stream, std::move(idle)});
  return next_id_++;
}

void HttpServer::Unregister(uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
}

size_t HttpServer::open_connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void HttpServer::Shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  draining_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, connection] : connections_) {
      auto stream = connection.stream.lock();
      if (!stream) continue;
      // Only idle connections are cut; busy ones close after their response.
      asio::post(stream->get_executor(), [stream, idle = connection.idle] {
        if (idle->load()) stream->cancel();
      });
    }
  }
  async::CallWhenDrained(
      io_, [this] { return open_connections() == 0; }, grace, std::move(done));
}

}  // namespace la::http
