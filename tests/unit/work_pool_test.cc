#include "async/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

#include "api/realtime/shared_snapshot.h"

namespace la::async {

// Keeps the only thread of a one-thread pool busy until released (or destroyed), so that
// what a test posts next waits in the queue.
class BusyThread {
 public:
  explicit BusyThread(WorkPool& pool) : released_(release_.get_future().share()) {
    std::promise<void> started;
    std::future<void> running = started.get_future();
    EXPECT_TRUE(pool.TryPost(
        [released = released_, started = std::make_shared<std::promise<void>>(std::move(started))] {
          started->set_value();
          released.wait();
        }));
    running.wait();
  }
  ~BusyThread() { Release(); }
  void Release() {
    if (!released_flag_.exchange(true)) release_.set_value();
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_;
  std::atomic<bool> released_flag_{false};
};

namespace {

TEST(WorkPoolTest, RefusesWorkBeyondItsQueueAtOnce) {
  WorkPool pool("test", 1, 2);
  BusyThread busy(pool);
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_FALSE(pool.TryPost([&] { ++ran; })) << "the queue holds 2";
  EXPECT_EQ(pool.queued(), 2u);
  busy.Release();
  pool.Join();
  EXPECT_EQ(ran, 2);
  EXPECT_FALSE(pool.TryPost([] {})) << "a stopped pool takes nothing";
}

TEST(WorkPoolTest, AJobThatThrowsDoesNotStopThePool) {
  WorkPool pool("test", 1, 8);
  EXPECT_TRUE(pool.TryPost([] { throw std::runtime_error("a role that is not a string"); }));
  std::promise<int> answer;
  EXPECT_TRUE(pool.TryPost([&] { answer.set_value(42); }));
  EXPECT_EQ(answer.get_future().get(), 42);
}

TEST(WorkPoolTest, CountsRejectionsInItsMetrics) {
  prometheus::Registry metrics;
  WorkPool first("first", 1, 1, &metrics);
  WorkPool second("second", 1, 1, &metrics);  // same families, another label
  BusyThread busy(first);
  first.TryPost([] {});
  EXPECT_FALSE(first.TryPost([] {}));
  const std::string text = metrics.Render();
  EXPECT_NE(text.find(R"(work_pool_rejected_total{pool="first"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(work_pool_queued{pool="first"} 1)"), std::string::npos) << text;
}

}  // namespace
}  // namespace la::async

namespace la {
namespace {

TEST(SharedSnapshotTest, DashboardsWaitingTogetherShareOneRead) {
  async::WorkPool pool("read", 1, 4);
  async::BusyThread busy(pool);
  std::atomic<int> reads{0}, delivered{0};
  SharedSnapshot snapshots(
      [&] {
        ++reads;
        return SharedSnapshot::Snapshot(std::vector<StreamTotal>{{"s", 1}});
      },
      pool);
  for (int i = 0; i < 100; ++i) {
    snapshots.Request([] { return true; },
                      [&](const SharedSnapshot::Snapshot& s) {
                        if (s.ok() && s->size() == 1) ++delivered;
                      });
  }
  EXPECT_EQ(pool.queued(), 1u) << "one queued read for 100 dashboards";
  snapshots.Request([] { return false; }, [&](const SharedSnapshot::Snapshot&) { ADD_FAILURE(); });
  busy.Release();
  pool.Join();
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(delivered, 100);
}

TEST(SharedSnapshotTest, AFullPoolAnswersAtOnceWithAnError) {
  async::WorkPool pool("read", 1, 1);
  async::BusyThread busy(pool);
  pool.TryPost([] {});  // the queue is full now
  SharedSnapshot snapshots([] { return SharedSnapshot::Snapshot(std::vector<StreamTotal>{}); },
                           pool);
  std::string error;
  snapshots.Request([] { return true; },
                    [&](const SharedSnapshot::Snapshot& s) { error = s.status().message(); });
  EXPECT_NE(error.find("busy"), std::string::npos) << error;
}

TEST(SharedSnapshotTest, AReadThatThrowsIsDeliveredAsAnError) {
  async::WorkPool pool("read", 1, 4);
  SharedSnapshot snapshots(
      []() -> SharedSnapshot::Snapshot { throw std::runtime_error("likes is not a number"); },
      pool);
  std::promise<std::string> error;
  snapshots.Request(
      [] { return true; },
      [&](const SharedSnapshot::Snapshot& s) { error.set_value(s.status().message()); });
  EXPECT_NE(error.get_future().get().find("likes is not a number"), std::string::npos);
}

}  // namespace
}  // namespace la
