// The update publisher on Redis: `PUBLISH stream-updates <json>`, where the
// JSON is exactly an array of {"streamId":"…","likes":N} with absolute totals
// (core/stream_updates.h encodes and parses it).
// The api nodes forward it unchanged as the Socket.IO `statsUpdate` payload,
// so this format is the contract (docs/data.md and docs/socketio-api.md).
#pragma once

#include <span>
#include <string>

#include "adapters/redis_client.h"
#include "consumer/update_publisher.h"
#include "core/realtime/stream_updates.h"

namespace la {

class RedisUpdatePublisher final : public UpdatePublisher {
 public:
  // `redis` must outlive the publisher. Partition summaries go to the channel of `topic`
  // (TotalsUpdatesChannel), the topic whose offsets their watermarks are.
  RedisUpdatePublisher(RedisClient& redis, std::string topic);

  Status Publish(std::span<const StreamTotal> totals) override;
  Status PublishPartitionTotals(std::span<const PartitionTotal> totals) override;

 private:
  RedisClient& redis_;
  const std::string totals_channel_;
};

}  // namespace la
