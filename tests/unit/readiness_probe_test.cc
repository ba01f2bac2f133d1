// The readiness probe behind GET /ready: dependency checks on a thread of their own,
// one at a time, each result reused for max_age, a bounded number of waiting requests.
#include "api/readiness_probe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace la {
namespace {

using namespace std::chrono_literals;
using Answer = ReadinessProbe::Answer;

// Checks that block until released, counting how often they ran and on which thread.
class HeldReadiness final : public Readiness {
 public:
  std::vector<DependencyState> Check() override {
    std::unique_lock lock(mutex_);
    ++checks_;
    thread_ = std::this_thread::get_id();
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_ > 0; });
    --released_;
    return {{"redis", up_, up_ ? "" : "Redis at 127.0.0.1:6379 is unreachable"}};
  }
  // Lets `n` checks (running or future) finish, answering `up`.
  void Release(int n, bool up = true) {
    std::lock_guard lock(mutex_);
    released_ += n;
    up_ = up;
    changed_.notify_all();
  }
  // Waits until `n` checks have started.
  void AwaitChecks(int n) {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, 10s, [&] { return checks_ >= n; }));
  }
  int checks() {
    std::lock_guard lock(mutex_);
    return checks_;
  }
  std::thread::id thread() {
    std::lock_guard lock(mutex_);
    return thread_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int checks_ = 0;
  int released_ = 0;
  bool up_ = true;
  std::thread::id thread_;
};

// Answers handed to a request, as they arrive from whichever thread.
class Answers {
 public:
  std::function<void(Answer)> Collector() {
    return [this](Answer answer) {
      std::lock_guard lock(mutex_);
      answers_.push_back(std::move(answer));
      arrived_.notify_all();
    };
  }
  // Waits for `n` answers in all and returns them.
  std::vector<Answer> Await(size_t n) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(arrived_.wait_for(lock, 10s, [&] { return answers_.size() >= n; }));
    return answers_;
  }
  size_t count() {
    std::lock_guard lock(mutex_);
    return answers_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Answer> answers_;
};

struct ManualClock {
  std::atomic<int64_t> ms{1000};
  ReadinessProbe::Clock Now() {
    return [this] { return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms)); };
  }
};

TEST(ReadinessProbe, OneCheckOnItsOwnThreadAnswersEveryWaitingRequest) {
  HeldReadiness checks;
  ManualClock clock;
  ReadinessProbe probe(checks, 1000ms, 100, clock.Now());
  Answers answers;
  for (int i = 0; i < 50; ++i) probe.Get(answers.Collector());  // none of them blocks
  checks.AwaitChecks(1);
  EXPECT_NE(checks.thread(), std::this_thread::get_id());
  EXPECT_EQ(answers.count(), 0u) << "nobody is answered before the check ends";

  checks.Release(1);
  for (const Answer& answer : answers.Await(50)) {
    ASSERT_TRUE(answer.has_value());
    EXPECT_TRUE(answer->at(0).up);
  }
  EXPECT_EQ(checks.checks(), 1);
}

TEST(ReadinessProbe, AResultIsReusedForMaxAgeThenCheckedAgain) {
  HeldReadiness checks;
  ManualClock clock;
  ReadinessProbe probe(checks, 1000ms, 100, clock.Now());
  Answers answers;
  checks.Release(1, /*up=*/false);
  probe.Get(answers.Collector());
  ASSERT_EQ(answers.Await(1).size(), 1u);

  clock.ms += 999;
  probe.Get(answers.Collector());  // answered at once, from the last result
  ASSERT_EQ(answers.count(), 2u);
  EXPECT_FALSE(answers.Await(2)[1]->at(0).up);
  EXPECT_EQ(checks.checks(), 1);

  clock.ms += 1;
  checks.Release(1, /*up=*/true);
  probe.Get(answers.Collector());
  EXPECT_TRUE(answers.Await(3)[2]->at(0).up);
  EXPECT_EQ(checks.checks(), 2);
}

TEST(ReadinessProbe, RequestsBeyondTheWaitingBoundAreToldBusyAtOnce) {
  HeldReadiness checks;
  ManualClock clock;
  ReadinessProbe probe(checks, 1000ms, 3, clock.Now());
  Answers waiting, refused;
  for (int i = 0; i < 3; ++i) probe.Get(waiting.Collector());
  checks.AwaitChecks(1);
  probe.Get(refused.Collector());
  ASSERT_EQ(refused.count(), 1u) << "answered on the caller's thread, before the check ends";
  EXPECT_FALSE(refused.Await(1)[0].has_value());

  checks.Release(1);
  EXPECT_EQ(waiting.Await(3).size(), 3u);
  EXPECT_EQ(checks.checks(), 1);
}

}  // namespace
}  // namespace la
