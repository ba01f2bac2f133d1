#include "http/metrics_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

namespace la::http {
namespace {

using ::testing::HasSubstr;

TEST(MetricsHandlerTest, RendersTheRegistryAsPrometheusText) {
  prometheus::Registry registry;
  prometheus::Counter& likes = registry.AddCounter("likes_total", "Likes seen.").With();
  const Handler handler = MetricsHandler(registry);
  const Request request{beast_http::verb::get, "/metrics", 11};
  RequestContext context{request, "/metrics", "", "127.0.0.1", nullptr};

  auto scrape = [&] {
    boost::asio::io_context io;
    std::optional<Response> response;
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { response = co_await handler(context); },
        boost::asio::detached);
    io.run();
    return response;
  };
  likes.Add(3);
  std::optional<Response> first = scrape();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->result(), Status::ok);
  EXPECT_EQ(first->at(beast_http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(first->body(), HasSubstr("likes_total 3\n"));

  likes.Add(1);
  std::optional<Response> second = scrape();
  ASSERT_TRUE(second.has_value());
  EXPECT_THAT(second->body(), HasSubstr("likes_total 4\n")) << "rendered at every scrape";
}

}  // namespace
}  // namespace la::http
