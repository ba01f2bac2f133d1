#include <gtest/gtest.h>

#include "core/prometheus.h"
#include "http/router.h"

namespace la::http {
namespace {

using verb = beast_http::verb;

Handler NoContent() {
  return [](RequestContext&) -> boost::asio::awaitable<Response> {
    co_return TextResponse(Status::no_content, "", "text/plain");
  };
}

TEST(RouterBodyLimitTest, RoutesWithoutTheirOwnLimitUseTheDefault) {
  prometheus::Registry metrics;
  Router router(metrics);
  router.Add(verb::post, "/engagement/like", NoContent());
  EXPECT_EQ(router.BodyLimit("/engagement/like", verb::post, 4096), 4096u);
  EXPECT_EQ(router.BodyLimit("/unknown", verb::post, 4096), 4096u);
  EXPECT_EQ(router.LargestBodyLimit(4096), 4096u);
}

TEST(RouterBodyLimitTest, APrefixRouteMayAcceptLargerBodies) {
  prometheus::Registry metrics;
  Router router(metrics);
  router.Add(verb::get, "/socket.io/socket.io.js", NoContent());
  router.AddPrefix("/socket.io/", "/socket.io/", NoContent(), 1000000);
  EXPECT_EQ(router.BodyLimit("/socket.io/", verb::post, 4096), 1000000u);
  // The exact route comes first for its own method; other methods fall to the prefix.
  EXPECT_EQ(router.BodyLimit("/socket.io/socket.io.js", verb::get, 4096), 4096u);
  EXPECT_EQ(router.BodyLimit("/socket.io/socket.io.js", verb::post, 4096), 1000000u);
  EXPECT_EQ(router.BodyLimit("/engagement/like", verb::post, 4096), 4096u);
  EXPECT_EQ(router.LargestBodyLimit(4096), 1000000u);
}

TEST(RouterBodyLimitTest, ASmallerPrefixLimitIsKeptButTheParserStillAllowsTheDefault) {
  prometheus::Registry metrics;
  Router router(metrics);
  router.AddPrefix("/tiny/", "/tiny/", NoContent(), 16);
  EXPECT_EQ(router.BodyLimit("/tiny/x", verb::post, 4096), 16u);
  EXPECT_EQ(router.LargestBodyLimit(4096), 4096u);
}

}  // namespace
}  // namespace la::http
