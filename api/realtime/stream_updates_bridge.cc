#include "api/realtime/stream_updates_bridge.h"

#include <spdlog/spdlog.h>

#include "core/realtime/stream_updates.h"

namespace la {

StreamUpdatesBridge::StreamUpdatesBridge(const RedisAddress& redis, LikeFeed& feed,
                                         std::function<void()> on_subscribed)
    : feed_(feed),
      subscriber_(
          redis, kStreamUpdatesChannel, [this](const std::string& message) { OnMessage(message); },
          std::move(on_subscribed)) {}

void StreamUpdatesBridge::OnMessage(const std::string& message) {
  Result<std::vector<StreamTotal>> totals = ParseStreamTotals(message);
  if (!totals.ok()) {
    spdlog::warn("dropping a Redis stream-updates message: {} (message: {:.200})",
                 totals.status().message(), message);
    return;
  }
  feed_.Publish(*totals);
}

}  // namespace la
