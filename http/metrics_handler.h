// GET /metrics: a registry's metrics in the Prometheus text exposition format,
// with its content type (text/plain; version=0.0.4). The one handler the api
// node's and the consumer's /metrics share. Safe from any thread (the registry
// renders under its own locks).
#pragma once

#include "core/prometheus.h"
#include "http/router.h"

namespace la::http {

// The content type of the Prometheus text format, version 0.0.4.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// Answers every request with `registry` rendered; `registry` must outlive the handler.
Handler MetricsHandler(const prometheus::Registry& registry);

}  // namespace la::http
