#include "http/router.h"

#include <algorithm>
#include <chrono>

namespace la::http {

Router::Router(prometheus::Registry& metrics)
    : requests_(metrics.AddCounter("http_requests_total", "HTTP requests by route and status.")),
      latency_(metrics.AddHistogram("http_request_duration_seconds",
                                    "HTTP request latency by route.",
                                    prometheus::LatencyBuckets())),
      in_flight_(
          metrics.AddGauge("http_requests_in_flight", "HTTP requests being handled.").With()),
      unmatched_(MetricsFor("unmatched")) {}

std::shared_ptr<Router::RouteMetrics> Router::MetricsFor(const std::string& label) {
  auto metrics = std::make_shared<RouteMetrics>();
  metrics->label = label;
  metrics->latency = &latency_.With({{"route", label}});
  return metrics;
}

void Router::Record(RouteMetrics& route, unsigned status,
                    std::chrono::steady_clock::duration elapsed) {
  if (status < route.requests_by_status.size()) {
    std::atomic<prometheus::Counter*>& slot = route.requests_by_status[status];
    prometheus::Counter* counter = slot.load(std::memory_order_acquire);
    if (counter == nullptr) {
      counter = &requests_.With({{"route", route.label}, {"status", std::to_string(status)}});
      slot.store(counter, std::memory_order_release);
    }
    counter->Add();
  }
  route.latency->Observe(std::chrono::duration<double>(elapsed).count());
}

void Router::Add(beast_http::verb method, const std::string& path, Handler handler) {
  routes_.push_back({method, path, false, std::move(handler), std::nullopt, MetricsFor(path)});
}

void Router::AddPrefix(const std::string& prefix, const std::string& label, Handler handler,
                       std::optional<size_t> max_body_bytes) {
  routes_.push_back({beast_http::verb::unknown, prefix, true, std::move(handler), max_body_bytes,
                     MetricsFor(label)});
}

void Router::SetUpgradeHandler(const std::string& prefix, UpgradeHandler handler) {
  upgrade_prefix_ = prefix;
  upgrade_handler_ = std::move(handler);
}

const UpgradeHandler* Router::FindUpgradeHandler(const std::string& path) const {
  if (upgrade_handler_ && path.rfind(upgrade_prefix_, 0) == 0) return &upgrade_handler_;
  return nullptr;
}

size_t Router::BodyLimit(const std::string& path, beast_http::verb method,
                         size_t default_limit) const {
  bool path_known = false;
  const Route* route = Match(path, method, path_known);
  return route != nullptr && route->max_body_bytes ? *route->max_body_bytes : default_limit;
}

size_t Router::LargestBodyLimit(size_t default_limit) const {
  size_t largest = default_limit;
  for (const Route& route : routes_) largest = std::max(largest, route.max_body_bytes.value_or(0));
  return largest;
}

const Router::Route* Router::Match(const std::string& path, beast_http::verb method,
                                   bool& path_known) const {
  for (const Route& route : routes_) {
    const bool path_matches = route.prefix ? path.rfind(route.path, 0) == 0 : path == route.path;
    if (!path_matches) continue;
    path_known = true;
    if (route.prefix || route.method == method) return &route;
  }
  return nullptr;
}

boost::asio::awaitable<Response> Router::Dispatch(RequestContext& context) {
  const auto start = std::chrono::steady_clock::now();
  bool path_known = false;
  const Route* match = Match(context.path, context.request.method(), path_known);
  Response response;
  if (match == nullptr) {
    response = path_known ? ErrorResponse(Status::method_not_allowed,
                                          std::string(context.request.method_string()) +
                                              " is not allowed on " + context.path)
                          : ErrorResponse(Status::not_found, "no route for " + context.path);
  } else {
    in_flight_.Add(1);
    try {
      response = co_await match->handler(context);
    } catch (const std::exception& e) {
      response =
          ErrorResponse(Status::internal_server_error, std::string("internal error: ") + e.what());
    }
    in_flight_.Add(-1);
  }
  Record(match ? *match->metrics : *unmatched_, response.result_int(),
         std::chrono::steady_clock::now() - start);
  co_return response;
}

}  // namespace la::http
