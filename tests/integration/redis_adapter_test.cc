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

// A formatted pipeline the size of a large flush's claims (megabytes), with replies of every
// kind and some of 200 KB, all answered in order; the connection is usable afterwards.
TEST(RedisAdapter, ALargeFormattedPipelineAnswersEveryCommandInOrder) {
  RedisClient redis(Address(), 5s);
  const std::string prefix = test::UniqueName("it:slices") + ":";
  const std::string large(200 * 1024, 'x');
  std::string commands;
  std::vector<std::string> expected;  // "nil", "int:N" or the string reply
  for (int i = 0; i < 20000; ++i) {
    const std::string key = prefix + std::to_string(i % 15000);
    if (i % 5000 == 4999) {
      AppendRedisCommand(commands, {"SET", prefix + "large", large, "EX", "60"});
      AppendRedisCommand(commands, {"GET", prefix + "large"});
      expected.push_back("OK");
      expected.push_back(large);
    }
    // Keys 0..4999 come twice: the second claim finds the first one's value.
    AppendRedisCommand(commands, {"SET", key, "v" + std::to_string(i), "NX", "GET", "EX", "60"});
    expected.push_back(i < 15000 ? "nil" : "v" + std::to_string(i - 15000));
    if (i % 1000 == 0) {
      AppendRedisCommand(commands, {"STRLEN", key});
      expected.push_back("int:" + std::to_string(("v" + std::to_string(i % 15000)).size()));
    }
  }
  ASSERT_GT(commands.size(), 10u * 64 * 1024);
  std::vector<std::string> got;
  Status s = redis.PipelineFormatted(commands, expected.size(), [&](const RedisReplyView& r) {
    if (r.type == RedisReply::Type::kNil)
      got.emplace_back("nil");
    else if (r.type == RedisReply::Type::kInteger)
      got.push_back("int:" + std::to_string(r.integer));
    else
      got.emplace_back(r.text);
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].size(), expected[i].size()) << "reply " << i;
    ASSERT_EQ(got[i], expected[i]) << "reply " << i;
  }
  auto pong = redis.Command({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status().message();
  EXPECT_EQ(pong->text, "PONG");
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
