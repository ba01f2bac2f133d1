#include "consumer/redis_dedup_store.h"

namespace la {

RedisDedupStore::RedisDedupStore(RedisClient& redis, std::chrono::seconds ttl)
    : redis_(redis), ttl_seconds_(std::to_string(ttl.count())) {}

Result<std::vector<std::optional<std::string>>> RedisDedupStore::Claim(
    std::span<const DedupClaim> claims) {
  std::vector<RedisCommand> commands;
  commands.reserve(claims.size());
  for (const DedupClaim& claim : claims) {
    commands.push_back({"SET", claim.key, claim.value, "NX", "GET", "EX", ttl_seconds_});
    if (!claim.extend.empty()) commands.push_back({"EXPIRE", claim.extend, ttl_seconds_});
  }
  Result<std::vector<RedisReply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();

  std::vector<std::optional<std::string>> stored;
  stored.reserve(claims.size());
  size_t next = 0;  // the reply to the next claim's SET
  for (const DedupClaim& claim : claims) {
    RedisReply& reply = (*replies)[next];
    switch (reply.type) {
      case RedisReply::Type::kNil:
        stored.emplace_back(std::nullopt);
        break;
      case RedisReply::Type::kString:
        stored.emplace_back(std::move(reply.text));
        break;
      default:
        return Status::Error("Redis SET " + claim.key + " NX GET answered " +
                             (reply.is_error() ? "with error \"" + reply.text + "\""
                                               : std::string("neither nil nor a string")));
    }
    next += claim.extend.empty() ? 1 : 2;
    if (!claim.extend.empty() && (*replies)[next - 1].is_error()) {
      return Status::Error("Redis EXPIRE " + claim.extend + " answered with error \"" +
                           (*replies)[next - 1].text + "\"");
    }
  }
  return stored;
}

}  // namespace la
