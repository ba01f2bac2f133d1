#include "core/auth/jwt_verifier.h"

namespace la {

JwtVerifier::JwtVerifier(std::string secret, size_t capacity)
    : secret_(std::move(secret)), capacity_(capacity) {}

Result<JwtClaims> JwtVerifier::Verify(std::string_view token, int64_t now_s) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = verified_.find(std::string(token)); it != verified_.end()) {
      if (it->second.exp > now_s) return it->second;
      verified_.erase(it);  // expired: VerifyJwt below gives the usual message
    }
  }
  Result<JwtClaims> claims = VerifyJwt(token, secret_, now_s);
  if (claims.ok()) {
    std::lock_guard lock(mutex_);
    if (verified_.size() >= capacity_) verified_.clear();
    verified_.emplace(std::string(token), *claims);
  }
  return claims;
}

}  // namespace la
