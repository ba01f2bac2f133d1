// Maps requests to handlers by method and path, answers 404/405 itself, and
// records per-route request counts, latencies and in-flight requests.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/prometheus.h"
#include "http/message.h"

namespace la::http {

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;
// Takes over a connection whose request asks for a WebSocket upgrade; `client_ip` as in
// RequestContext.
using UpgradeHandler =
    std::function<void(boost::beast::tcp_stream stream, Request request, std::string client_ip)>;

class Router {
 public:
  explicit Router(prometheus::Registry& metrics);

  // Routes `method path` (exact match) to `handler`.
  void Add(beast_http::verb method, const std::string& path, Handler handler);
  // Routes every method of every path starting with `prefix`; `label` names the
  // route in metrics (so ids in paths do not explode the label set). A route whose
  // bodies may be larger than the server's limit (Engine.IO polling POSTs) gives its
  // own `max_body_bytes`.
  void AddPrefix(const std::string& prefix, const std::string& label, Handler handler,
                 std::optional<size_t> max_body_bytes = std::nullopt);
  // Hands WebSocket upgrade requests under `prefix` to `handler`.
  void SetUpgradeHandler(const std::string& prefix, UpgradeHandler handler);

  // Runs the matching handler (or answers 404/405) and records metrics.
  boost::asio::awaitable<Response> Dispatch(RequestContext& context);
  // The upgrade handler for `path`, or nullptr.
  const UpgradeHandler* FindUpgradeHandler(const std::string& path) const;
  // The body limit of the route for `method path`: its own, else `default_limit`.
  size_t BodyLimit(const std::string& path, beast_http::verb method, size_t default_limit) const;
  // The largest body any route accepts (at least `default_limit`): what the parser
  // may read before the path's own limit is checked.
  size_t LargestBodyLimit(size_t default_limit) const;

 private:
  // A route's metric children, looked up once so that a request costs no label
  // lookup: its latency histogram, and its counter per status code (on first use).
  struct RouteMetrics {
    std::string label;
    prometheus::Histogram* latency = nullptr;
    std::array<std::atomic<prometheus::Counter*>, 600> requests_by_status{};
  };

  struct Route {
    beast_http::verb method;  // ignored for prefix routes
    std::string path;
    bool prefix;
    Handler handler;
    std::optional<size_t> max_body_bytes;
    std::shared_ptr<RouteMetrics> metrics;
  };

  std::shared_ptr<RouteMetrics> MetricsFor(const std::string& label);
  void Record(RouteMetrics& route, unsigned status, std::chrono::steady_clock::duration elapsed);

  // The route `Dispatch` picks for `path` and `method`, or nullptr; sets `path_known`
  // if some route has this path (so the answer is 405, not 404).
  const Route* Match(const std::string& path, beast_http::verb method, bool& path_known) const;

  std::vector<Route> routes_;
  std::string upgrade_prefix_;
  UpgradeHandler upgrade_handler_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Gauge& in_flight_;
  std::shared_ptr<RouteMetrics> unmatched_;  // 404 and 405 answers
};

}  // namespace la::http
