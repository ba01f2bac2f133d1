// The Redis adapter against the real server: pipelining, SET NX GET (the dedup
// primitive), publish/subscribe, and bounded failures.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "adapters/redis_client.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;

RedisAddress Address() { return *ParseRedisUrl(test::RedisUrl()); }

TEST(RedisAdapter, PipelineReturnsRepliesInOrder) {
  RedisClient redis(Address(), 2s);
  const std::string key = test::UniqueName("it:dedup");
  auto replies = redis.Pipeline({{"SET", key, "3:10", "NX", "GET", "EX", "60"},
                                 {"SET", key, "3:11", "NX", "GET", "EX", "60"},
                                 {"GET", key},
                                 {"INCRBY", key, "1"}});
  ASSERT_TRUE(replies.ok()) << replies.status().message();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_TRUE((*replies)[0].is_nil());    // absent: now set
  EXPECT_EQ((*replies)[1].text, "3:10");  // present: the first writer's value
  EXPECT_EQ((*replies)[2].text, "3:10");
  EXPECT_TRUE((*replies)[3].is_error());  // not an integer
  auto ttl = redis.Command({"TTL", key});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);
}

TEST(RedisAdapter, SubscriberReceivesPublishedMessages) {
  const std::string channel = test::UniqueName("it-channel");
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::string> received;
  RedisSubscriber subscriber(Address(), channel, [&](const std::string& payload) {
    std::lock_guard lock(mutex);
    received.push_back(payload);
    cv.notify_all();
  });
  for (int i = 0; i < 50 && !subscriber.subscribed(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(subscriber.subscribed());
  RedisClient redis(Address(), 2s);
  auto published = redis.Command({"PUBLISH", channel, R"([{"streamId":"s","likes":3}])"});
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published->integer, 1);
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !received.empty(); }));
  EXPECT_EQ(received[0], R"([{"streamId":"s","likes":3}])");
}

TEST(RedisAdapter, UnreachableServerIsAClearErrorWithinTheTimeout) {
  RedisClient redis(RedisAddress{.host = "127.0.0.1", .port = 1}, 1s);
  const auto start = std::chrono::steady_clock::now();
  Status s = redis.Connect();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("127.0.0.1:1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("unreachable"), std::string::npos) << s.message();
}

TEST(RedisAdapter, ErrorReplyOfASingleCommandIsAnError) {
  RedisClient redis(Address(), 2s);
  auto reply = redis.Command({"NOSUCHCOMMAND"});
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("unknown command"), std::string::npos)
      << reply.status().message();
}

}  // namespace
}  // namespace la
