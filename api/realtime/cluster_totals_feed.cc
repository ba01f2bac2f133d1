#include "api/realtime/cluster_totals_feed.h"

#include <spdlog/spdlog.h>

namespace la {

ClusterTotalsFeed::ClusterTotalsFeed(const RedisAddress& redis, std::string_view topic,
                                     LikeFeed& feed, Read read, async::WorkPool& pool)
    : feed_(feed), read_(std::move(read)), pool_(pool) {
  subscriber_ = std::make_unique<RedisSubscriber>(
      redis, TotalsUpdatesChannel(topic),
      [this](const std::string& message) { OnMessage(message); },
      [this] {
        // What was published while not subscribed is in the stored summaries.
        const bool queued = pool_.TryPost([this] {
          Result<std::vector<PartitionTotal>> totals = read_();
          if (!totals.ok()) {
            spdlog::error(
                "cluster totals: reading the partition summaries failed: {}; the "
                "next consumer flushes bring them",
                totals.status().message());
            return;
          }
          Apply(*totals);
        });
        if (!queued) spdlog::warn("cluster totals: the read pool is full; summaries not re-read");
      });
}

void ClusterTotalsFeed::SendTo(const std::shared_ptr<SioSocket>& socket) {
  std::lock_guard lock(mutex_);
  socket->SendEncoded(ClusterTotalsPacket(view_.Sum()));
}

void ClusterTotalsFeed::Apply(const std::vector<PartitionTotal>& totals) {
  std::lock_guard lock(mutex_);
  bool changed = false;
  for (const PartitionTotal& total : totals) changed |= view_.Apply(total);
  if (changed) feed_.PublishToDashboards(ClusterTotalsPacket(view_.Sum()));
}

void ClusterTotalsFeed::OnMessage(const std::string& message) {
  Result<std::vector<PartitionTotal>> totals = ParsePartitionTotals(message);
  if (!totals.ok()) {
    spdlog::warn("dropping a Redis totals-updates message: {} (message: {:.200})",
                 totals.status().message(), message);
    return;
  }
  Apply(*totals);
}

SioEncodedPacket ClusterTotalsPacket(const ClusterTotals& totals) {
  return EncodeEventPacket(
      "/", "clusterTotals",
      {{{"likes", totals.likes}, {"streams", totals.streams}, {"partitions", totals.partitions}}});
}

}  // namespace la
