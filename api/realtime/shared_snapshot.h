// Shares one MongoDB read of the top streams between the dashboards that connect
// at about the same time, so that a reconnect storm of thousands of dashboards
// (an api node restart, a network blip) costs a couple of queries, not thousands.
//
// A dashboard may reuse a read only if that read started after the dashboard was
// registered with the LikeFeed: every update published since then is held by the
// feed and folded into the snapshot, so a shared snapshot is never staler than a
// private one would be. Blocking: call from the blocking pool. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

#include "adapters/mongo_client.h"
#include "core/flush_plan.h"
#include "core/status.h"

namespace la {

class SharedSnapshot {
 public:
  using Clock = std::chrono::steady_clock;

  SharedSnapshot(MongoClient& mongo, size_t limit) : mongo_(mongo), limit_(limit) {}

  // The top streams as read by a query that started at or after `registered_at`:
  // the last result if it qualifies, else a new read (callers wait for each other).
  Result<std::vector<StreamTotal>> Read(Clock::time_point registered_at);

 private:
  MongoClient& mongo_;
  const size_t limit_;
  std::mutex mutex_;  // one read at a time; waiting callers then reuse its result
  Clock::time_point last_started_{};
  std::optional<std::vector<StreamTotal>> last_;  // only successful reads are reused
};

}  // namespace la
