#include "consumer/metrics_endpoint.h"

#include <string>

#include "http/metrics_handler.h"

namespace la {

MetricsEndpoint::MetricsEndpoint(prometheus::Registry& registry)
    : router_(registry), server_(io_, router_, http::ServerLimits{}) {
  router_.Add(http::beast_http::verb::get, "/metrics", http::MetricsHandler(registry));
}

Result<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(prometheus::Registry& registry,
                                                                const std::string& host, int port) {
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint(registry));
  if (Status listening = endpoint->server_.Listen(host, port); !listening.ok()) {
    return Status::Error("metrics endpoint: " + listening.message());
  }
  endpoint->thread_ = std::thread([raw = endpoint.get()] { raw->io_.run(); });
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace la
