#include "core/retry_backoff.h"

#include <algorithm>

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

}  // namespace la
