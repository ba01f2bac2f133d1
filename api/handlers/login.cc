
#include <chrono>
#include <random>

#include "api/accounts/password_hasher.h"
#include "api/handlers/handlers.h"
#include "api/handlers/pooled_work.h"
#include "async/blocking.h"
#include "core/auth/jwt.h"
#include "core/requests/request_body.h"

namespace la::handlers {
namespace {

constexpr int64_t kTokenLifetimeS = 3600;

std::string NewTokenId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return std::to_string(rng()) + std::to_string(rng());
}

// The account if email and password match; nullopt for an unknown email or a
// wrong password alike (both take the same time: one argon2id verification).
Result<std::optional<User>> CheckCredentials(UserStore& users, const Credentials& credentials) {
  Result<std::optional<User>> user = users.FindByEmail(credentials.email);
  if (!user.ok()) return user.status();
  if (!*user) {
    VerifyAgainstDummyHash(credentials.password);
    return std::optional<User>();
  }
  if (!VerifyPassword(credentials.password, (*user)->password_hash)) return std::optional<User>();
  return user;
}

}  // namespace

http::Handler Login(ApiContext& api) {
  return [&api](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    if (auto limited = RateLimited(api.rate_limits.login, context.client_ip,
                                   "logins from " + context.client_ip)) {
      co_return std::move(*limited);
    }
    Result<Credentials> credentials = ParseLoginBody(context.request.body());
    if (!credentials.ok())
      co_return http::ErrorResponse(http::Status::bad_request, credentials.status().message());
    const PasswordJobSlot slot(api.rate_limits.password_jobs, context.client_ip);
    if (!slot.admitted()) co_return slot.Refusal();
    auto check = [&api, c = *credentials] { return CheckCredentials(api.users, c); };
    async::Pooled<Result<std::optional<User>>> pooled =
        co_await async::RunBlocking<Result<std::optional<User>>>(api.passwords, check,
                                                                 context.client_gone);
    if (auto failed = FailedWork(pooled, "login", "account storage")) co_return std::move(*failed);
    Result<std::optional<User>>& user = std::get<0>(pooled);
    if (!*user) co_return http::ErrorResponse(http::Status::unauthorized, "invalid credentials");
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    JwtClaims claims{(*user)->id, std::string(RoleName((*user)->role)), NewTokenId(), now,
                     now + kTokenLifetimeS};
    co_return http::JsonResponse(http::Status::ok,
                                 {{"token", SignJwt(claims, api.config.jwt_secret)}});
  };
}

}  // namespace la::handlers
