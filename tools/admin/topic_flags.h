// la-admin topics: the durability flags, taken out of the argument list before
// the connection settings parse the rest. Pure; any thread.
//   --replication-factor N    copies of each partition (1 on the single local
//                             broker; 3 in production)
//   --min-insync-replicas M   copies that must have a write before acks=all
//                             answers (1 locally; 2 in production, so one
//                             broker may fail without losing an acknowledged like)
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace la::admin {

struct TopicDurability {
  int replication_factor = 1;
  int min_insync_replicas = 1;
};

// Fails, naming the flag and value, unless 1 <= M <= N <= 32.
Result<TopicDurability> TakeTopicDurability(std::vector<std::string>& args);

}  // namespace la::admin
