#include "http/metrics_handler.h"

namespace la::http {

Handler MetricsHandler(const prometheus::Registry& registry) {
  return [&registry](RequestContext&) -> boost::asio::awaitable<Response> {
    co_return TextResponse(Status::ok, registry.Render(), kPrometheusContentType);
  };
}

}  // namespace la::http
