// The dedup store in Redis: keys `dedup:{userId}:{eventId}` holding the Kafka position
// of the first copy seen, with a TTL (docs/data.md, Redis; docs/exactly-once.md).
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/redis_client.h"
#include "consumer/dedup_store.h"

namespace la {

class RedisDedupStore final : public DedupStore {
 public:
  // `redis` must outlive the store; keys expire after `ttl` (DEDUP_TTL_S).
  RedisDedupStore(RedisClient& redis, std::chrono::seconds ttl);

  // One pipeline of `SET {key} {value} NX GET EX {ttl}` (Redis >= 7.0), each followed by
  // `EXPIRE {extend} {ttl}` when the claim names a key to extend.
  Result<std::vector<std::optional<std::string>>> Claim(
      std::span<const DedupClaim> claims) override;

 private:
  // About one claim's command in the Redis protocol (a 40-byte key, a position, the TTL).
  static constexpr size_t kCommandBytesGuess = 128;

  RedisClient& redis_;
  std::string ttl_seconds_;
};

}  // namespace la
