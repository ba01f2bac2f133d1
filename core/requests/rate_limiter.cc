#include "core/requests/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace la {

TokenBucket::TokenBucket(RateLimit limit, Clock::time_point now)
    : limit_(limit), tokens_(std::max(1.0, limit.burst)), updated_(now) {}

void TokenBucket::Refill(Clock::time_point now) {
  if (now <= updated_) return;  // a clock read out of order adds nothing
  const double elapsed = std::chrono::duration<double>(now - updated_).count();
  tokens_ = std::min(std::max(1.0, limit_.burst), tokens_ + elapsed * limit_.per_second);
  updated_ = now;
}

RateDecision TokenBucket::Take(Clock::time_point now) {
  if (!limit_.enabled()) return {};
  Refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return {};
  }
  const double wait_s = (1.0 - tokens_) / limit_.per_second;
  return {false, std::chrono::milliseconds(static_cast<int64_t>(std::ceil(wait_s * 1000)))};
}

bool TokenBucket::FullAt(Clock::time_point now) const {
  if (!limit_.enabled()) return true;
  const double elapsed = now > updated_ ? std::chrono::duration<double>(now - updated_).count() : 0;
  return tokens_ + elapsed * limit_.per_second >= std::max(1.0, limit_.burst);
}

KeyedRateLimiter::KeyedRateLimiter(RateLimit limit, size_t max_keys)
    : limit_(limit), max_keys_(std::max<size_t>(1, max_keys)) {}

RateDecision KeyedRateLimiter::Take(std::string_view key, Clock::time_point now) {
  if (!limit_.enabled()) return {};
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    // Make room: the least recently used bucket goes, so the limiter never grows past
    // max_keys (refilled ones are usually gone already, see below).
    while (buckets_.size() >= max_keys_) {
      buckets_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.emplace_front(key);
    it =
        buckets_.emplace(recency_.front(), Entry{TokenBucket(limit_, now), recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  RateDecision decision = it->second.bucket.Take(now);
  // Refilled buckets at the cold end cost memory and say nothing: drop a few per call.
  for (int i = 0; i < 2 && recency_.size() > 1; ++i) {
    auto oldest = buckets_.find(recency_.back());
    if (!oldest->second.bucket.FullAt(now)) break;
    buckets_.erase(oldest);
    recency_.pop_back();
  }
  return decision;
}

size_t KeyedRateLimiter::size() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace la
