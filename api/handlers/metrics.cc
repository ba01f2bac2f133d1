#include "api/handlers/handlers.h"

namespace la::handlers {

// Prometheus scrape endpoint.
http::Handler Metrics(ApiContext& api) {
  return [&api](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
    co_return http::TextResponse(http::Status::ok, api.metrics.Render(), "text/plain; version=0.0.4");
  };
}

}  // namespace la::handlers
