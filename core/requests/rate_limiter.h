// Rate limits as token buckets (pure logic; time is passed in). A bucket holds up to
// `burst` tokens and gains `per_second` tokens a second; each request takes one, and a
// request that finds the bucket empty is refused with the time until the next token.
// A human who taps fast spends the burst and then gets the refill rate; a script that
// keeps sending is refused after the burst.
//
// KeyedRateLimiter keeps one bucket per key (a client address, a user id) and is itself
// bounded: at most `max_keys` buckets, the least recently used one forgotten first (a
// forgotten key starts again with a full bucket, which only ever errs towards letting a
// client through). TokenBucket is not thread-safe; KeyedRateLimiter is.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace la {

// A limit: `per_second` tokens a second, at most `burst` saved up. per_second <= 0 turns
// the limit off (every request is allowed).
struct RateLimit {
  double per_second = 0;
  double burst = 1;

  bool enabled() const { return per_second > 0; }
};

// What a limiter says about one request: allowed, or refused until `retry_after` has passed.
struct RateDecision {
  bool allowed = true;
  std::chrono::milliseconds retry_after{0};
};

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // A full bucket at `now`.
  TokenBucket(RateLimit limit, Clock::time_point now);

  // Takes one token at `now` if there is one.
  RateDecision Take(Clock::time_point now);
  // True if the bucket would be full at `now` (forgetting it then changes nothing).
  bool FullAt(Clock::time_point now) const;

 private:
  void Refill(Clock::time_point now);

  RateLimit limit_;
  double tokens_;
  Clock::time_point updated_;
};

class KeyedRateLimiter {
 public:
  using Clock = TokenBucket::Clock;

  KeyedRateLimiter(RateLimit limit, size_t max_keys);

  // Takes a token from the bucket of `key` at `now` (a new key starts with a full bucket).
  RateDecision Take(std::string_view key, Clock::time_point now);
  // Buckets currently kept (at most max_keys).
  size_t size() const;
  const RateLimit& limit() const { return limit_; }

 private:
  struct Entry {
    TokenBucket bucket;
    std::list<std::string>::iterator recency;  // position in recency_
  };

  const RateLimit limit_;
  const size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> buckets_;
  std::list<std::string> recency_;  // most recently used first
};

}  // namespace la
