#include "core/retry_backoff.h"

#include <algorithm>
#include <thread>

namespace la {

RetryBackoff::RetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : initial_(initial), max_(std::max(initial, max)), next_(initial) {}

std::chrono::milliseconds RetryBackoff::Failed() {
  ++consecutive_failures_;
  const std::chrono::milliseconds wait = next_;
  next_ = std::min(next_ * 2, max_);
  return wait;
}

void RetryBackoff::Succeeded() {
  consecutive_failures_ = 0;
  next_ = initial_;
}

void SleepUnlessStopped(std::chrono::milliseconds wait, const std::atomic<bool>& stop) {
  constexpr std::chrono::milliseconds kStep(50);
  for (auto waited = std::chrono::milliseconds(0); waited < wait && !stop; waited += kStep) {
    std::this_thread::sleep_for(std::min(kStep, wait - waited));
  }
}

}  // namespace la
