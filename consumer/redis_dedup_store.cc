#include "consumer/redis_dedup_store.h"

namespace la {

RedisDedupStore::RedisDedupStore(RedisClient& redis, std::chrono::seconds ttl)
    : redis_(redis), ttl_seconds_(std::to_string(ttl.count())) {}

Result<std::vector<std::optional<std::string>>> RedisDedupStore::Claim(
    std::span<const DedupClaim> claims) {
  // One buffer of commands in the Redis protocol, not an argument vector per claim:
  // at thousands of claims per flush the allocations were half of the consumer's CPU.
  std::string commands;
  commands.reserve(claims.size() * kCommandBytesGuess);
  size_t count = 0;
  for (const DedupClaim& claim : claims) {
    AppendRedisCommand(commands, {"SET", claim.key, claim.value, "NX", "GET", "EX", ttl_seconds_});
    ++count;
    if (claim.extend.empty()) continue;
    AppendRedisCommand(commands, {"EXPIRE", claim.extend, ttl_seconds_});
    ++count;
  }
  std::vector<std::optional<std::string>> stored;
  stored.reserve(claims.size());
  std::string unexpected;    // the first reply that is not what its command answers
  bool expire_next = false;  // the next reply is the EXPIRE of the last claim
  Status sent = redis_.PipelineFormatted(commands, count, [&](const RedisReplyView& reply) {
    if (expire_next) {
      expire_next = false;
      if (reply.type == RedisReply::Type::kError && unexpected.empty()) {
        unexpected = "Redis EXPIRE " + claims[stored.size() - 1].extend +
                     " answered with error \"" + std::string(reply.text) + "\"";
      }
      return;
    }
    const DedupClaim& claim = claims[stored.size()];
    expire_next = !claim.extend.empty();
    if (reply.type == RedisReply::Type::kString) {
      stored.emplace_back(std::string(reply.text));
      return;
    }
    if (reply.type != RedisReply::Type::kNil && unexpected.empty()) {
      unexpected =
          "Redis SET " + claim.key + " NX GET answered " +
          (reply.type == RedisReply::Type::kError ? "with error \"" + std::string(reply.text) + "\""
                                                  : std::string("neither nil nor a string"));
    }
    stored.emplace_back(std::nullopt);
  });
  if (!sent.ok()) return sent;
  if (!unexpected.empty()) return Status::Error(unexpected);
  return stored;
}

}  // namespace la
