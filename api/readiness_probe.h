// GET /ready's answer, kept off the request path and off the shared read pool.
//
// The dependency checks (api/readiness.h) block for up to seconds while a server is
// down. They run one at a time on the probe's own thread, never on the read pool whose
// threads serve dashboard snapshots and subscribe reads, so a flood of /ready during an
// outage cannot delay those. A result is reused for `max_age`; a request that finds it
// older waits for the next check (one check serves every request waiting for it). At
// most `max_waiting` requests wait; more are answered "busy" at once.
// Thread-safe. The destructor waits for a running check, then answers whoever still
// waits with "busy".
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "api/readiness.h"
#include "async/work_pool.h"

namespace la {

class ReadinessProbe {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // The states of every dependency, or nullopt when too many requests already wait.
  using Answer = std::optional<std::vector<DependencyState>>;

  // `checks` must outlive the probe.
  ReadinessProbe(Readiness& checks, std::chrono::milliseconds max_age, size_t max_waiting,
                 Clock now = std::chrono::steady_clock::now);
  ~ReadinessProbe();
  ReadinessProbe(const ReadinessProbe&) = delete;
  ReadinessProbe& operator=(const ReadinessProbe&) = delete;

  // Calls `done` with the answer: at once, on the caller's thread, when a result younger
  // than `max_age` exists or too many wait; otherwise on the probe's thread when the
  // next check ends.
  void Get(std::function<void(Answer)> done);

  std::chrono::milliseconds max_age() const { return max_age_; }

 private:
  void RunCheck();

  Readiness& checks_;
  const std::chrono::milliseconds max_age_;
  const size_t max_waiting_;
  const Clock now_;
  std::mutex mutex_;  // guards everything below
  std::optional<std::vector<DependencyState>> last_;
  std::chrono::steady_clock::time_point checked_at_{};
  bool checking_ = false;
  std::vector<std::function<void(Answer)>> waiting_;
  async::WorkPool thread_{"ready", 1, 1};  // last: destroyed (joined) first
};

}  // namespace la
