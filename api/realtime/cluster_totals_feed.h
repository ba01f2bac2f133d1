// Keeps the cluster's like totals current on an api node and shows them to dashboards
// (docs/viewers.md, "Cluster totals"): the per-partition summaries are read once from
// MongoDB after every Redis (re)subscription, then taken from the consumers' messages on
// `totals-updates:<topic>` (the Kafka topic this node produces to); each partition keeps its
// latest summary (PartitionTotalsView: the most likes, a re-based log's included), so the
// order of reads and messages does not matter. Dashboards get `clusterTotals` {likes, streams,
// partitions} when they connect and whenever a sum changes. Thread-safe: messages arrive on
// the subscriber's thread, reads on the pool, dashboards connect on their strands.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "adapters/redis_client.h"
#include "api/realtime/like_feed.h"
#include "async/work_pool.h"
#include "core/counting/partition_totals.h"
#include "socketio/sio_socket.h"

namespace la {

class ClusterTotalsFeed {
 public:
  using Read = std::function<Result<std::vector<PartitionTotal>>()>;

  // Subscribes at once (own thread) to the summaries of Kafka topic `topic`; `read` runs on
  // `pool`. Stops when destroyed.
  ClusterTotalsFeed(const RedisAddress& redis, std::string_view topic, LikeFeed& feed, Read read,
                    async::WorkPool& pool);

  // Sends one dashboard the totals as known now.
  void SendTo(const std::shared_ptr<SioSocket>& socket);

 private:
  void Apply(const std::vector<PartitionTotal>& totals);
  void OnMessage(const std::string& message);

  LikeFeed& feed_;
  const Read read_;
  async::WorkPool& pool_;
  std::mutex mutex_;  // order: this -> feed
  PartitionTotalsView view_;
  std::unique_ptr<RedisSubscriber> subscriber_;
};

// `clusterTotals` {likes, streams, partitions} for namespace "/".
SioEncodedPacket ClusterTotalsPacket(const ClusterTotals& totals);

}  // namespace la
