#include "api/rate_limits.h"

#include <algorithm>
#include <chrono>

namespace la {
namespace {

RateLimit PerMinute(int per_min, int burst) { return {per_min / 60.0, static_cast<double>(burst)}; }
RateLimit PerSecond(int per_s, int burst) {
  return {static_cast<double>(per_s), static_cast<double>(burst)};
}

}  // namespace

ApiRateLimits::ApiRateLimits(const ApiConfig& config)
    : login(PerMinute(config.login_rate_per_min, config.login_burst), config.rate_limit_max_keys),
      registration(PerMinute(config.register_rate_per_min, config.register_burst),
                   config.rate_limit_max_keys),
      like(PerSecond(config.like_rate_per_s, config.like_burst), config.rate_limit_max_keys),
      password_jobs(0, config.password_jobs_per_address) {}

PasswordJobSlot::PasswordJobSlot(ConnectionCaps& caps, std::string address)
    : caps_(caps),
      address_(std::move(address)),
      admitted_(caps_.TryAcquire(address_) == CapDecision::kAdmitted) {}

PasswordJobSlot::~PasswordJobSlot() {
  if (admitted_) caps_.Release(address_);
}

http::Response PasswordJobSlot::Refusal() const {
  http::Response refusal = http::ErrorResponse(
      http::Status::too_many_requests,
      "a login or registration from " + address_ + " is already being checked; retry in 1 s");
  refusal.set(http::beast_http::field::retry_after, "1");
  return refusal;
}

std::optional<http::Response> RateLimited(KeyedRateLimiter& limiter, std::string_view key,
                                          std::string_view what) {
  RateDecision decision = limiter.Take(key, KeyedRateLimiter::Clock::now());
  if (decision.allowed) return std::nullopt;
  const int64_t seconds = std::max<int64_t>(1, (decision.retry_after.count() + 999) / 1000);
  http::Response refusal = http::ErrorResponse(
      http::Status::too_many_requests,
      "too many " + std::string(what) + "; retry in " + std::to_string(seconds) + " s");
  refusal.set(http::beast_http::field::retry_after, std::to_string(seconds));
  return refusal;
}

}  // namespace la
