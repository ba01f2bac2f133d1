#include "api/handlers/handlers.h"
#include "http/blocking.h"

namespace la::handlers {

// 200 when Kafka, Redis and MongoDB answer; 503 naming each one that does not.
http::Handler Ready(ApiContext& api) {
  return [&api](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    auto check = [&api] { return api.readiness.Check(); };
    http::Pooled<std::vector<DependencyState>> pooled =
        co_await http::RunBlocking<std::vector<DependencyState>>(api.reads, check,
                                                                 context.client_gone);
    if (auto* refused = std::get_if<http::WorkRefused>(&pooled))
      co_return http::RefusedResponse(*refused);
    const std::vector<DependencyState>& states = std::get<0>(pooled);
    nlohmann::json dependencies = nlohmann::json::object();
    std::string down;
    for (const DependencyState& s : states) {
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
