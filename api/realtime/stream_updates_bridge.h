// Relays Redis channel `stream-updates` into a LikeFeed: one subscription per api node
// (RedisSubscriber reconnects with backoff when Redis restarts). Each message is
// validated, then published once; a malformed message is logged and dropped. The
// database is never read per message: the message carries the totals. After every
// (re)subscription it calls `on_subscribed` (the dashboards' fresh snapshot), since
// what was published while the node was not subscribed is lost.
#pragma once

#include <functional>
#include <string>

#include "adapters/redis_client.h"
#include "api/realtime/like_feed.h"

namespace la {

class StreamUpdatesBridge {
 public:
  // Subscribes at once (on its own thread); stops when destroyed.
  StreamUpdatesBridge(const RedisAddress& redis, LikeFeed& feed,
                      std::function<void()> on_subscribed = {});

  // True while the subscription is active.
  bool subscribed() const { return subscriber_.subscribed(); }

 private:
  void OnMessage(const std::string& message);

  LikeFeed& feed_;
  RedisSubscriber subscriber_;
};

}  // namespace la
