#include "api/handlers/handlers.h"
#include "async/blocking.h"

namespace la::handlers {

// 200 when Kafka, Redis and MongoDB answer; 503 naming each one that does not. The
// checks run on the readiness probe's own thread (api/readiness_probe.h), never here.
http::Handler Ready(ApiContext& api) {
  return [&api](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
    auto ask = [&api](std::function<void(ReadinessProbe::Answer)> done) {
      api.readiness.Get(std::move(done));
    };
    const ReadinessProbe::Answer answer =
        co_await async::AwaitCallback<ReadinessProbe::Answer>(ask);
    if (!answer) {
      http::Response busy = http::ErrorResponse(
          http::Status::service_unavailable,
          "too many /ready requests are waiting for the running check; retry in a second");
      busy.set(http::beast_http::field::retry_after, "1");
      co_return busy;
    }
    nlohmann::json dependencies = nlohmann::json::object();
    std::string down;
    for (const DependencyState& s : *answer) {
      dependencies[s.name] = s.up ? nlohmann::json("up") : nlohmann::json(s.detail);
      if (!s.up) down += (down.empty() ? "" : ", ") + s.name;
    }
    if (down.empty())
      co_return http::JsonResponse(http::Status::ok,
                                   {{"status", "ready"}, {"dependencies", dependencies}});
    co_return http::JsonResponse(
        http::Status::service_unavailable,
        {{"message", "not ready: " + down + " unreachable"}, {"dependencies", dependencies}});
  };
}

}  // namespace la::handlers
