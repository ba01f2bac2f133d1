// The Engine.IO v4 server: answers handshakes with new sessions, finds a session by its
// `sid` for every later request, and serves both transports. Mount it on the HTTP router:
//   router.AddPrefix("/socket.io/", "/socket.io/", engine.PollingHandler(),
//   engine.options().max_payload); router.SetUpgradeHandler("/socket.io/",
//   engine.UpgradeHandler());
// What runs on top (Socket.IO, SioServer) is given by OnSession: one listener per session.
//
// Connections of each kind get their own type (internal/): a polling session's GET and POST
// requests are routed to its PollingTransport, a WebSocket (a new session, or an upgrade
// probe of a polling one) gets a WebSocketTransport on the session's lane.
//
// Thread-safety: all functions may be called from any thread; the registry is locked.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/prometheus.h"
#include "core/requests/connection_caps.h"
#include "http/router.h"
#include "socketio/eio_options.h"
#include "socketio/protocol/engineio.h"

namespace la {

class EioSession;
class EioSessionListener;
class PollingTransport;
class WebSocketTransport;

class EioServer {
 public:
  // Gives a new session the listener that will receive its messages; runs on the
  // session's lane before anything is delivered. (SioServer sets it.)
  using SessionHandler =
      std::function<std::shared_ptr<EioSessionListener>(const std::shared_ptr<EioSession>&)>;

  // `cors_origin` goes into Access-Control-Allow-Origin of polling responses ("*" lets
  // pages from any origin connect; clients authenticate with a token, not cookies).
  // `sessions_gauge`, if given, always holds the number of open sessions.
  EioServer(boost::asio::io_context& io, EioOptions options, std::string cors_origin,
            prometheus::Gauge* sessions_gauge = nullptr);
  EioServer(const EioServer&) = delete;
  EioServer& operator=(const EioServer&) = delete;

  // Sets the handler for new sessions; call once, before serving.
  void OnSession(SessionHandler handler);

  // The HTTP long-polling side: handshakes, GET (poll), POST (push), CORS preflight.
  http::Handler PollingHandler();
  // The WebSocket side: direct WebSocket sessions and upgrades of polling sessions.
  http::UpgradeHandler UpgradeHandler();

  const EioOptions& options() const { return options_; }
  size_t session_count() const;

  // Refuses new sessions and closes every session gracefully (queued packets are still
  // sent). `done` runs once all sessions are gone, or after `grace`.
  void Shutdown(std::chrono::milliseconds grace, std::function<void()> done);

 private:
  boost::asio::awaitable<http::Response> HandlePolling(http::RequestContext& context);
  http::Response Handshake(const std::string& client_ip);
  void HandleUpgrade(boost::beast::tcp_stream stream, http::Request request, std::string client_ip);
  // Runs one upgraded connection on its session's lane: refuses it (`refusal`), or
  // accepts the WebSocket and then opens a new session or upgrades `session`.
  boost::asio::awaitable<void> ServeWebSocket(std::shared_ptr<WebSocketTransport> websocket,
                                              http::Request request,
                                              std::shared_ptr<EioSession> session, EioLane lane,
                                              std::optional<EioErrorCode> refusal,
                                              std::string client_ip);
  // Creates and registers a session with a fresh sid and its first transport (a new
  // PollingTransport, or `websocket`), or says why not (a session cap).
  std::variant<std::shared_ptr<EioSession>, std::string> NewSession(
      EioLane lane, const std::string& client_ip,
      std::shared_ptr<WebSocketTransport> websocket = nullptr);
  // The lane of the next session: the lanes in turn.
  EioLane NextLane();
  // A registered session and, if it polls, its polling transport.
  struct Found {
    std::shared_ptr<EioSession> session;
    std::shared_ptr<PollingTransport> polling;
  };
  Found Find(const std::string& sid) const;
  void Forget(const std::string& sid);
  // Adds the CORS headers every polling response carries.
  http::Response WithCors(http::Response response) const;

  boost::asio::io_context& io_;
  const EioOptions options_;
  const std::string cors_origin_;
  SessionHandler on_session_;
  prometheus::Gauge* sessions_gauge_;
  std::atomic<bool> shutting_down_{false};

  ConnectionCaps caps_;        // sessions in all and per client address
  ConnectionCaps held_polls_;  // polling GETs in progress
  const std::vector<EioLane> lanes_;
  std::atomic<size_t> next_lane_{0};

  struct Registered {
    Found found;
    std::string client_ip;  // whose cap slot it holds
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Registered> sessions_;
};

}  // namespace la
