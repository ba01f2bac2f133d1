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
  for (const DedupClaim& claim : claims) {
    AppendRedisCommand(commands,
                       {"SET", DedupKey(claim), claim.position, "NX", "GET", "EX", ttl_seconds_});
  }
  std::vector<std::optional<std::string>> stored;
  stored.reserve(claims.size());
  std::string unexpected;  // the first reply that is neither nil nor a string
  Status sent = redis_.PipelineFormatted(commands, claims.size(), [&](const RedisReplyView& reply) {
    const DedupClaim& claim = claims[stored.size()];
    if (reply.type == RedisReply::Type::kString) {
      stored.emplace_back(std::string(reply.text));
      return;
    }
    if (reply.type != RedisReply::Type::kNil && unexpected.empty()) {
      unexpected =
          "Redis SET " + DedupKey(claim) + " NX GET answered " +
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
