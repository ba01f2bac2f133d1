// The Prometheus text exposition format, byte for byte.
#include "core/prometheus.h"

#include <gtest/gtest.h>

namespace la::prometheus {
namespace {

TEST(Prometheus, RendersCountersGaugesAndHistograms) {
  Registry registry;
  auto& requests = registry.AddCounter("http_requests_total", "Requests by route and status.");
  requests.With({{"route", "/health"}, {"status", "200"}}).Add(3);
  requests.With({{"route", "/engagement/like"}, {"status", "202"}}).Add();
  registry.AddGauge("in_flight", "Requests being handled.").With().Set(2);
  auto& latency = registry.AddHistogram("latency_seconds", "Latency.", {0.01, 0.1});
  latency.With().Observe(0.005);
  latency.With().Observe(0.05);
  latency.With().Observe(3);

  EXPECT_EQ(registry.Render(),
            "# HELP http_requests_total Requests by route and status.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{route=\"/engagement/like\",status=\"202\"} 1\n"
            "http_requests_total{route=\"/health\",status=\"200\"} 3\n"
            "# HELP in_flight Requests being handled.\n"
            "# TYPE in_flight gauge\n"
            "in_flight 2\n"
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.01\"} 1\n"
            "latency_seconds_bucket{le=\"0.1\"} 2\n"
            "latency_seconds_bucket{le=\"+Inf\"} 3\n"
            "latency_seconds_sum 3.055\n"
            "latency_seconds_count 3\n");
}

TEST(Prometheus, EscapesLabelValues) {
  Registry registry;
  registry.AddCounter("c", "h").With({{"v", "a\"b\\c\nd"}}).Add();
  EXPECT_NE(registry.Render().find("c{v=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos);
}

TEST(Prometheus, ValueOnABoundFallsInThatBucket) {
  Histogram h({1, 2});
  h.Observe(1);
  h.Observe(2);
  EXPECT_EQ(h.CumulativeCounts(), (std::vector<uint64_t>{1, 2, 2}));
}

}  // namespace
}  // namespace la::prometheus
