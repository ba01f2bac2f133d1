#include "async/sleep_unless_stopped.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace la {
namespace {

using std::chrono::milliseconds;

TEST(SleepUnlessStoppedTest, SleepsTheWholeWaitWhenNotStopped) {
  std::atomic<bool> stop{false};
  const auto started = std::chrono::steady_clock::now();
  SleepUnlessStopped(milliseconds(120), stop);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(120));
}

TEST(SleepUnlessStoppedTest, ReturnsEarlyOnceStopped) {
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    stop = true;
  });
  const auto started = std::chrono::steady_clock::now();
  SleepUnlessStopped(std::chrono::minutes(10), stop);  // would hang the suite if it ignored stop
  stopper.join();
  EXPECT_TRUE(stop);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
}

}  // namespace
}  // namespace la
