// The counter store at the scale of thousands of live streams, on the local
// MongoDB-wire server (FerretDB, patched by scripts/install.sh): a flush that
// touches 10,000 stream documents, and consumers writing while dashboards read
// their snapshots, all at once. Regression guards of an order of magnitude, not
// timings: unpatched, one flush over 10,000 documents took over 40 minutes
// (~250 ms per compare-and-set statement, each a table scan), and 8 concurrent
// update commands never got an answer.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "adapters/mongo_client.h"
#include "api/adapters/mongo_stream_totals.h"
#include "consumer/mongo_counter_store.h"
#include "core/counting/flush_plan.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A flush over this many stream documents must finish within kFlushBound.
constexpr int kStreams = 10000;
constexpr auto kFlushBound = 60s;

// Every client gives up on a command after this long, so a hung server fails the
// test instead of hanging it.
std::string MongoUriWithTimeout() {
  const std::string uri = test::MongoUri();
  if (uri.find('?') != std::string::npos) return uri + "&socketTimeoutMS=90000";
  return uri + (uri.ends_with('/') ? "" : "/") + "?socketTimeoutMS=90000";
}

std::unique_ptr<MongoClient> Connect(const std::string& database) {
  auto mongo = MongoClient::Create(MongoUriWithTimeout(), database);
  EXPECT_TRUE(mongo.ok()) << mongo.status().message();
  return mongo.ok() ? std::move(*mongo) : nullptr;
}

std::vector<std::string> StreamIds(const std::string& prefix, int first, int count) {
  std::vector<std::string> ids;
  for (int i = first; i < first + count; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

// One flush as the batcher does it: read the documents, plan one like per stream
// at `offset` of `partition`, apply. Returns how many updates were applied.
Result<size_t> FlushOneLikePerStream(MongoCounterStore& store, const std::vector<std::string>& ids,
                                     int32_t partition, int64_t offset) {
  Result<StreamStates> states = store.Read(ids);
  if (!states.ok()) return states.status();
  std::vector<ClassifiedEvent> events;
  for (const std::string& id : ids)
    events.push_back({partition, offset, id, DedupDecision::kCount});
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (ClassifiedEvent& event : events) event.timestamp_ms = now_ms;
  const FlushPlan plan = PlanFlush(events, *states, now_ms);
  Result<std::vector<UpdateOutcome>> outcomes = store.Apply(plan.updates);
  if (!outcomes.ok()) return outcomes.status();
  size_t applied = 0;
  for (UpdateOutcome outcome : *outcomes) applied += outcome == UpdateOutcome::kApplied;
  return applied;
}

TEST(CounterStoreScaleTest, AFlushOverTenThousandStreamDocumentsFinishesWithinItsBound) {
  auto mongo = Connect(test::UniqueName("it-scale"));
  ASSERT_NE(mongo, nullptr);
  MongoCounterStore store(*mongo);
  const std::vector<std::string> ids = StreamIds("s", 0, kStreams);

  Result<size_t> created = FlushOneLikePerStream(store, ids, 3, 1);  // inserts
  ASSERT_TRUE(created.ok()) << created.status().message();
  ASSERT_EQ(*created, ids.size());

  const auto started = Clock::now();
  Result<size_t> updated = FlushOneLikePerStream(store, ids, 3, 2);  // compare-and-set updates
  const auto took = Clock::now() - started;
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  EXPECT_EQ(*updated, ids.size());
  EXPECT_LT(took, kFlushBound) << "a flush over " << kStreams << " documents took "
                               << std::chrono::duration_cast<std::chrono::seconds>(took).count()
                               << " s";
  std::printf(
      "[ info ] read + %d compare-and-set updates: %lld ms\n", kStreams,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));

  const auto snapshot_started = Clock::now();
  Result<std::vector<StreamTotal>> top = ReadTopStreams(*mongo, 1000);
  std::printf("[ info ] dashboard snapshot, top 1000 of %d streams: %lld ms\n", kStreams,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         Clock::now() - snapshot_started)
                                         .count()));
  ASSERT_TRUE(top.ok()) << top.status().message();
  ASSERT_EQ(top->size(), 1000u);
  EXPECT_EQ(top->front().likes, 2);
  Result<StreamStates> states = store.Read(StreamIds("s", 4321, 1));
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(states->at("s4321").likes, 2);
  EXPECT_EQ(states->at("s4321").watermarks.at(3), 2);
}

// Four consumers flush their own streams in commands of many statements while
// four dashboards read the top-1000 snapshot again and again: every call answers.
TEST(CounterStoreScaleTest, ConcurrentConsumersAndDashboardsDoNotHangTheServer) {
  const std::string database = test::UniqueName("it-concurrent");
  constexpr int kConsumers = 4;
  constexpr int kStreamsEach = 1500;
  constexpr int kFlushes = 3;
  const auto started = Clock::now();

  std::vector<std::future<std::string>> workers;
  for (int c = 0; c < kConsumers; ++c) {
    workers.push_back(std::async(std::launch::async, [&, c]() -> std::string {
      auto mongo = Connect(database);
      if (!mongo) return "no client";
      MongoCounterStore store(*mongo);
      const auto ids = StreamIds("c" + std::to_string(c) + "-", 0, kStreamsEach);
      for (int flush = 1; flush <= kFlushes; ++flush) {
        Result<size_t> applied = FlushOneLikePerStream(store, ids, c, flush);
        if (!applied.ok())
          return "consumer " + std::to_string(c) + ": " + applied.status().message();
        if (*applied != ids.size()) return "consumer " + std::to_string(c) + ": updates missed";
      }
      return "";
    }));
  }
  for (int d = 0; d < kConsumers; ++d) {
    workers.push_back(std::async(std::launch::async, [&, d]() -> std::string {
      auto mongo = Connect(database);
      if (!mongo) return "no client";
      for (int read = 0; read < 10; ++read) {
        Result<std::vector<StreamTotal>> top = ReadTopStreams(*mongo, 1000);
        if (!top.ok()) return "dashboard " + std::to_string(d) + ": " + top.status().message();
      }
      return "";
    }));
  }
  for (auto& worker : workers) {
    ASSERT_EQ(worker.wait_for(3min), std::future_status::ready) << "the server stopped answering";
    EXPECT_EQ(worker.get(), "");
  }

  auto mongo = Connect(database);
  ASSERT_NE(mongo, nullptr);
  Result<std::vector<StreamTotal>> top = ReadTopStreams(*mongo, 1000);
  ASSERT_TRUE(top.ok()) << top.status().message();
  ASSERT_FALSE(top->empty());
  EXPECT_EQ(top->front().likes, kFlushes) << "every flush of every consumer was applied once";
  std::printf(
      "[ info ] %d consumers x %d flushes of %d streams beside %d dashboards: %lld ms\n",
      kConsumers, kFlushes, kStreamsEach, kConsumers,
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()));
}

}  // namespace
}  // namespace la
