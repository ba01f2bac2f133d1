#include "api/handlers/handlers.h"

namespace la::handlers {

// Liveness only: the process answers. Dependencies are /ready's business.
http::Handler Health() {
  return [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
    co_return http::JsonResponse(http::Status::ok, {{"status", "OK"}});
  };
}

}  // namespace la::handlers
