
#include "api/handlers/handlers.h"
#include "api/handlers/pooled_work.h"
#include "async/blocking.h"
#include "core/requests/request_body.h"

namespace la::handlers {

// Self-registration always creates a viewer; a `role` in the body is ignored.
http::Handler Register(ApiContext& api) {
  return [&api](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    if (auto limited = RateLimited(api.rate_limits.registration, context.client_ip,
                                   "registrations from " + context.client_ip)) {
      co_return std::move(*limited);
    }
    Result<Credentials> credentials = ParseRegisterBody(context.request.body());
    if (!credentials.ok())
      co_return http::ErrorResponse(http::Status::bad_request, credentials.status().message());
    const PasswordJobSlot slot(api.rate_limits.password_jobs, context.client_ip);
    if (!slot.admitted()) co_return slot.Refusal();
    auto create = [&api, c = *credentials] {
      return api.users.Create(c.email, c.password, Role::kViewer);
    };
    async::Pooled<Result<CreateOutcome>> pooled =
        co_await async::RunBlocking<Result<CreateOutcome>>(api.passwords, create,
                                                           context.client_gone);
    if (auto failed = FailedWork(pooled, "register", "account storage"))
      co_return std::move(*failed);
    Result<CreateOutcome>& created = std::get<0>(pooled);
    if (*created == CreateOutcome::kEmailTaken) {
      co_return http::ErrorResponse(http::Status::conflict,
                                    "email " + credentials->email + " is already registered");
    }
    co_return http::JsonResponse(http::Status::created, {{"message", "User created"}});
  };
}

}  // namespace la::handlers
