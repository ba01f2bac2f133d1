#include <spdlog/spdlog.h>

#include "api/handlers/handlers.h"
#include "core/request_body.h"
#include "http/blocking.h"

namespace la::handlers {

// Self-registration always creates a viewer; a `role` in the body is ignored.
http::Handler Register(ApiContext& api) {
  return [&api](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    Result<Credentials> credentials = ParseRegisterBody(context.request.body());
    if (!credentials.ok()) co_return http::ErrorResponse(http::Status::bad_request, credentials.status().message());
    auto create = [&api, c = *credentials] { return api.users.Create(c.email, c.password, "viewer"); };
    Result<CreateOutcome> created = co_await http::RunBlocking<Result<CreateOutcome>>(api.blocking, create);
    if (!created.ok()) {
      spdlog::error("register: {}", created.status().message());
      co_return http::ErrorResponse(http::Status::service_unavailable,
                                    "account storage is unavailable; try again shortly");
    }
    if (*created == CreateOutcome::kEmailTaken) {
      co_return http::ErrorResponse(http::Status::conflict, "email " + credentials->email + " is already registered");
    }
    co_return http::JsonResponse(http::Status::created, {{"message", "User created"}});
  };
}

}  // namespace la::handlers
