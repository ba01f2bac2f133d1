#include "api/handlers/handlers.h"
#include "http/metrics_handler.h"

namespace la::handlers {

// Prometheus scrape endpoint.
http::Handler Metrics(ApiContext& api) { return http::MetricsHandler(api.metrics); }

}  // namespace la::handlers
