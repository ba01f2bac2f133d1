// How long to wait before retrying an operation that keeps failing (a consumer
// flush while MongoDB, Redis or Kafka is down, a Redis subscription, the api
// node's account set-up): exponential, from `initial` doubling up to `max`,
// back to `initial` after a success. Waiting keeps a process from hammering a
// server that is down, and the cap bounds how late it notices the server is
// back. Pure; not thread-safe (one per retrying loop).
#pragma once

#include <chrono>

namespace la {

class RetryBackoff {
 public:
  RetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);

  // Records a failure; returns the wait before the next attempt.
  std::chrono::milliseconds Failed();
  // Records a success: the next failure waits `initial` again.
  void Succeeded();
  // Failures since the last success.
  int consecutive_failures() const { return consecutive_failures_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
  int consecutive_failures_ = 0;
};

}  // namespace la
