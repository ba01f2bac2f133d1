#include "consumer/redis_update_publisher.h"

#include "core/realtime/stream_updates.h"

namespace la {

RedisUpdatePublisher::RedisUpdatePublisher(RedisClient& redis, std::string topic)
    : redis_(redis), totals_channel_(TotalsUpdatesChannel(topic)) {}

Status RedisUpdatePublisher::Publish(std::span<const StreamTotal> totals) {
  Result<RedisReply> reply =
      redis_.Command({"PUBLISH", kStreamUpdatesChannel, StreamTotalsJson(totals).dump()});
  return reply.ok() ? Status::Ok() : reply.status();
}

Status RedisUpdatePublisher::PublishPartitionTotals(std::span<const PartitionTotal> totals) {
  nlohmann::json message = nlohmann::json::array();
  for (const PartitionTotal& total : totals) message.push_back(PartitionTotalJson(total));
  Result<RedisReply> reply = redis_.Command({"PUBLISH", totals_channel_, message.dump()});
  return reply.ok() ? Status::Ok() : reply.status();
}

}  // namespace la
