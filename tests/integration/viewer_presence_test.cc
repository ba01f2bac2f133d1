// Live viewers across api nodes through the real Redis (docs/viewers.md): two presences in
// this process play two api nodes (their own node ids, LikeFeeds and Redis connections),
// and a third node is played by hand on Redis, as a node killed with kill -9 leaves it.
#include "api/realtime/viewer_presence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "adapters/redis_client.h"
#include "api/realtime/like_feed.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;

RedisAddress Redis() { return *ParseRedisUrl(test::RedisUrl()); }

constexpr auto kInterval = 200ms;
constexpr auto kTtl = 1500ms;

// Waits until `done` holds, or `timeout` passed; returns whether it held.
bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

struct Node {
  explicit Node(const std::string& id)
      : presence(Redis(), feed, {.node_id = id, .interval = kInterval, .node_ttl = kTtl}) {}
  void Join(const std::string& stream, int n = 1) {
    for (int i = 0; i < n; ++i) presence.OnMembership("/live", stream, true);
  }
  void Leave(const std::string& stream, int n = 1) {
    for (int i = 0; i < n; ++i) presence.OnMembership("/live", stream, false);
  }
  LikeFeed feed;
  ViewerPresence presence;
};

TEST(ViewerPresence, TwoNodesSeeTheSameSumsAfterChurn) {
  const std::string stream = test::UniqueName("watched");
  Node a(test::UniqueName("it-a"));
  Node b(test::UniqueName("it-b"));
  a.Join(stream, 300);
  b.Join(stream, 200);
  a.Leave(stream, 50);
  b.Join(stream, 7);
  a.presence.OnMembership("/", stream, true);  // a dashboard socket is not a viewer
  const auto both = [&](int64_t n) {
    return a.presence.Viewers(stream) == n && b.presence.Viewers(stream) == n;
  };
  ASSERT_TRUE(Eventually([&] { return both(457); }, 5s))
      << a.presence.Viewers(stream) << " / " << b.presence.Viewers(stream);
  b.Leave(stream, 207);
  ASSERT_TRUE(Eventually([&] { return both(250); }, 5s));
  const std::vector<ViewerCount> top = b.presence.Top(1000);
  EXPECT_NE(std::find(top.begin(), top.end(), ViewerCount{stream, 250}), top.end());
}

TEST(ViewerPresence, ANodeThatStopsReportingIsDroppedWithinTheTtlAndItsKeysExpire) {
  const std::string stream = test::UniqueName("watched");
  const std::string ghost = test::UniqueName("it-killed");
  Node a(test::UniqueName("it-a"));
  a.Join(stream, 2);
  // A node that reported 40 viewers once and was then killed with kill -9.
  RedisClient redis(Redis(), 2s);
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string key = ViewerNodeKey(ghost);
  ASSERT_TRUE(redis
                  .Pipeline({{"HSET", key, kViewerSeqField, "1", stream, "40"},
                             {"PEXPIRE", key, std::to_string(kTtl.count())},
                             {"ZADD", kViewerNodesKey, std::to_string(now_ms), ghost},
                             {"PUBLISH", kViewerUpdatesChannel,
                              EncodeViewerReport({ghost, 1, true, {{stream, 40}}})}})
                  .ok());
  ASSERT_TRUE(Eventually([&] { return a.presence.Viewers(stream) == 42; }, 5s))
      << a.presence.Viewers(stream);
  const auto heard = std::chrono::steady_clock::now();
  ASSERT_TRUE(Eventually([&] { return a.presence.Viewers(stream) == 2; }, kTtl * 3));
  const auto dropped_after = std::chrono::steady_clock::now() - heard;
  EXPECT_LE(dropped_after, kTtl + 2 * kInterval + 300ms) << "the stated bound: ttl + interval";
  EXPECT_EQ(redis.Command({"EXISTS", key})->integer, 0) << "the killed node's hash expired";

  // The live node's keys expire too, unless refreshed.
  Result<RedisReply> ttl = redis.Command({"PTTL", kViewerNodesKey});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, kTtl.count());
}

TEST(ViewerPresence, ANewNodeReadsTheOthersFullStateAndAGoodbyeTakesItsViewersOut) {
  const std::string stream = test::UniqueName("watched");
  Node a(test::UniqueName("it-a"));
  a.Join(stream, 5);
  ASSERT_TRUE(Eventually([&] { return a.presence.Viewers(stream) == 5; }, 3s));
  {
    Node late(test::UniqueName("it-late"));
    ASSERT_TRUE(Eventually([&] { return late.presence.Viewers(stream) == 5; }, 3s))
        << "read from a's hash, not from a change";
    late.Join(stream, 3);
    ASSERT_TRUE(Eventually([&] { return a.presence.Viewers(stream) == 8; }, 3s));
  }
  // `late` stopped cleanly: its last report takes its viewers out at once, not after the TTL.
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_TRUE(Eventually([&] { return a.presence.Viewers(stream) == 5; }, 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, kTtl);
}

}  // namespace
}  // namespace la
