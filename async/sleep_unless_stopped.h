// An interruptible sleep for the threads that retry with backoff (core/retry_backoff.h):
// a shutdown never waits out a long backoff.
#pragma once

#include <atomic>
#include <chrono>

namespace la {

// Sleeps for `wait` on this thread, in steps of 50 ms, and returns early once `stop` is set,
// so that a retrying thread does not hold up a shutdown. Thread-safe.
void SleepUnlessStopped(std::chrono::milliseconds wait, const std::atomic<bool>& stop);

}  // namespace la
