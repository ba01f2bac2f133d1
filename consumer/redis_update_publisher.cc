#include "consumer/redis_update_publisher.h"

#include <nlohmann/json.hpp>

namespace la {

std::string EncodeStreamTotals(std::span<const StreamTotal> totals) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const StreamTotal& total : totals) {
    array.push_back({{"streamId", total.stream_id}, {"likes", total.likes}});
  }
  return array.dump();
}

RedisUpdatePublisher::RedisUpdatePublisher(RedisClient& redis) : redis_(redis) {}

Status RedisUpdatePublisher::Publish(std::span<const StreamTotal> totals) {
  Result<RedisReply> reply =
      redis_.Command({"PUBLISH", kStreamUpdatesChannel, EncodeStreamTotals(totals)});
  return reply.ok() ? Status::Ok() : reply.status();
}

}  // namespace la
