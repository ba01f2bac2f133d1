// An HTTP/1.1 server on Boost.Beast: one coroutine per connection, keep-alive,
// bounded headers and bodies (413, each route's own limit applied while the body is
// read), timeouts on every read and write (slow clients are cut off), caps on open
// connections in all and per peer address (503), WebSocket upgrades handed to the
// router's upgrade handler, and a graceful shutdown that lets in-flight requests finish.
// While a handler runs, the connection is watched: if the client closes it, the
// request's `client_gone` flag is set so queued work for it can be dropped.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/requests/client_address.h"
#include "core/requests/connection_caps.h"
#include "core/status.h"
#include "http/router.h"

namespace la::http {

struct ServerLimits {
  size_t max_body_bytes = 4096;
  size_t max_header_bytes = 8192;
  std::chrono::seconds header_timeout{10};  // a request's header must arrive within this
  std::chrono::seconds idle_timeout{75};    // keep-alive wait for the next request
  std::chrono::seconds io_timeout{30};      // body read, response write
  // Open connections (upgraded ones no longer count), in all and per peer address; a
  // trusted proxy's connections count only towards the total. 0: no cap.
  size_t max_connections = 0;
  size_t max_connections_per_address = 0;
  // Peers whose X-Real-IP / X-Forwarded-For name the client (RequestContext::client_ip).
  TrustedProxies trusted_proxies;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, Router& router, ServerLimits limits);

  // Binds host:port and starts accepting. Fails if the address cannot be used.
  la::Status Listen(const std::string& host, int port);
  // The port actually bound (useful with port 0).
  int port() const { return port_; }
  // Stops accepting and closes idle connections; a connection handling a request
  // closes after its response. `done` runs once every connection is gone, or
  // after `grace`, whichever comes first.
  void Shutdown(std::chrono::milliseconds grace, std::function<void()> done);
  // Open HTTP connections (upgraded ones are no longer counted).
  size_t open_connections() const;

 private:
  struct Connection {
    std::weak_ptr<boost::beast::tcp_stream> stream;
    std::shared_ptr<std::atomic<bool>> idle;
  };

  boost::asio::awaitable<void> Accept();
  // Answers a connection over a cap with 503 and closes it.
  boost::asio::awaitable<void> Refuse(std::shared_ptr<boost::beast::tcp_stream> stream,
                                      std::string reason);
  boost::asio::awaitable<void> Serve(std::shared_ptr<boost::beast::tcp_stream> stream,
                                     std::string peer, bool peer_is_proxy);
  uint64_t Register(const std::shared_ptr<boost::beast::tcp_stream>& stream,
                    std::shared_ptr<std::atomic<bool>> idle);
  void Unregister(uint64_t id);

  boost::asio::io_context& io_;
  Router& router_;
  ServerLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::atomic<bool> draining_{false};
  ConnectionCaps caps_;

  mutable std::mutex mutex_;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, Connection> connections_;
};

}  // namespace la::http
