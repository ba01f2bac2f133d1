#include "async/sleep_unless_stopped.h"

#include <algorithm>
#include <thread>

namespace la {

void SleepUnlessStopped(std::chrono::milliseconds wait, const std::atomic<bool>& stop) {
  constexpr std::chrono::milliseconds kStep(50);
  for (auto waited = std::chrono::milliseconds(0); waited < wait && !stop; waited += kStep) {
    std::this_thread::sleep_for(std::min(kStep, wait - waited));
  }
}

}  // namespace la
