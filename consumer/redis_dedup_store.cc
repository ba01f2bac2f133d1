#include "consumer/redis_dedup_store.h"

namespace la {

RedisDedupStore::RedisDedupStore(RedisClient& redis, std::chrono::seconds ttl)
    : redis_(redis), ttl_seconds_(std::to_string(ttl.count())) {}

Result<std::vector<std::optional<std::string>>> RedisDedupStore::Claim(
    std::span<const DedupClaim> claims) {
  std::vector<RedisCommand> commands;
  commands.reserve(claims.size());
  for (const DedupClaim& claim : claims) {
    commands.push_back({"SET", DedupKey(claim), claim.position, "NX", "GET", "EX", ttl_seconds_});
  }
  Result<std::vector<RedisReply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();

  std::vector<std::optional<std::string>> stored;
  stored.reserve(replies->size());
  for (size_t i = 0; i < replies->size(); ++i) {
    RedisReply& reply = (*replies)[i];
    switch (reply.type) {
      case RedisReply::Type::kNil:
        stored.emplace_back(std::nullopt);
        break;
      case RedisReply::Type::kString:
        stored.emplace_back(std::move(reply.text));
        break;
      default:
        return Status::Error("Redis SET " + DedupKey(claims[i]) + " NX GET answered " +
                             (reply.is_error() ? "with error \"" + reply.text + "\""
                                               : std::string("neither nil nor a string")));
    }
  }
  return stored;
}

}  // namespace la
