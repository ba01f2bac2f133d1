// When the likes of an open-loop run are due. Real viewers do not wait for each
// other: likes arrive at a fixed rate whether or not the server has answered the
// earlier ones. A schedule hands out those arrival times, one every 1/rate
// seconds from `start`, the last one before `end`; a connection that is free
// claims the next one and sends it when it is due. When every connection is
// busy the next arrival waits for the first one to be free, and its latency still
// counts from when it was due, so a server that falls behind shows its queueing
// delay (no coordinated omission). Arrivals still unclaimed at `end` are never
// sent and are reported (Unclaimed()): the target, or too few connections, fell
// behind the rate.
// Not thread-safe: la-loadgen keeps one schedule per io thread, for the
// connections of that thread, each with its share of the rate.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace la {

using LoadClock = std::chrono::steady_clock;

class ArrivalSchedule {
 public:
  // `rate` arrivals per second (> 0) from `start` until before `end`.
  ArrivalSchedule(LoadClock::time_point start, double rate, LoadClock::time_point end);

  // The due time of the next arrival nobody claimed yet, or nullopt once `now`
  // has reached `end` or every arrival before `end` is claimed.
  std::optional<LoadClock::time_point> Claim(LoadClock::time_point now);

  // Arrivals due before `end`: the offered load.
  uint64_t total() const { return total_; }
  // Arrivals due before `end` that no connection claimed.
  uint64_t Unclaimed() const { return total_ - claimed_; }

 private:
  LoadClock::time_point DueTime(uint64_t index) const;

  LoadClock::time_point start_;
  double rate_;
  LoadClock::time_point end_;
  uint64_t total_ = 0;
  uint64_t claimed_ = 0;
};

}  // namespace la
