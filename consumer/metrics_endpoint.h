// Serves the consumer's Prometheus metrics: GET /metrics on its own thread, so
// a scrape never waits for the poll loop (the metrics are atomics).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>

#include "core/prometheus.h"
#include "core/status.h"
#include "http/router.h"
#include "http/server.h"

namespace la {

class MetricsEndpoint {
 public:
  // Listens on `host`:`port` (METRICS_HOST: 127.0.0.1 by default; an address of another
  // interface, or 0.0.0.0, lets a Prometheus server elsewhere scrape it). `registry` must
  // outlive the endpoint.
  static Result<std::unique_ptr<MetricsEndpoint>> Start(prometheus::Registry& registry,
                                                        const std::string& host, int port);
  // Stops serving and joins the thread.
  ~MetricsEndpoint();

 private:
  explicit MetricsEndpoint(prometheus::Registry& registry);

  boost::asio::io_context io_;
  http::Router router_;
  http::HttpServer server_;
  std::thread thread_;
};

}  // namespace la
