// What an api node does while the Kafka broker is down: a like is refused with
// 503 + Retry-After within the delivery timeout (never 202), /ready names Kafka,
// and once the broker is back likes are accepted again without a restart.
// Stops the shared local broker, so it runs as its own suite (`outage`), last.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>

#include "adapters/kafka_admin.h"
#include "core/auth/jwt.h"
#include "core/counting/like_event.h"
#include "tests/integration/http_client.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;

const std::string kSecret = "outage-test-secret-0123456789abcdef0123";

// Runs a function of scripts/services.sh (e.g. "svc_stop kafka") in the project root.
int Services(const std::string& command) {
  const std::string root = (test::BinaryDir() / ".." / "..").lexically_normal().string();
  const std::string script = "cd '" + root + "' && ROOT='" + root +
                             "' bash -c 'source scripts/services.sh && " + command + "'";
  return std::system(script.c_str());
}

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(KafkaOutage, LikesAre503WhileTheBrokerIsDownAndAcceptedAfter) {
  const std::string topic = test::UniqueName("it-outage");
  ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic, 3}}, 10s).ok());
  constexpr int kPort = 3093;
  auto node = std::make_unique<test::ChildProcess>(
      test::BinaryDir() / "api" / "la-api",
      std::vector<std::string>{"--port", std::to_string(kPort), "--kafka-topic", topic,
                               "--produce-timeout-ms", "2000"},
      std::map<std::string, std::string>{{"JWT_SECRET", kSecret}, {"LIKE_RATE_PER_S", "0"}},
      "/tmp/la-it-outage-api.log");
  ASSERT_TRUE(test::WaitHealthy(kPort, 20s));
  const std::string token = SignJwt({"u1", "viewer", "j1", NowS(), NowS() + 3600}, kSecret);
  const std::string like = R"({"streamId":"outage-stream"})";
  ASSERT_EQ(test::Post(kPort, "/engagement/like", like, token).status, 202);

  ASSERT_EQ(Services("kill -KILL $(svc_pid kafka); rm -f $RUN_DIR/kafka.pid"), 0);
  const auto start = std::chrono::steady_clock::now();
  test::HttpResult refused = test::Post(kPort, "/engagement/like", like, token);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.headers["Retry-After"], "1");
  EXPECT_NE(refused.Json().value("message", "").find("Kafka"), std::string::npos) << refused.body;
  // The like had no eventId: the 503 names the one the node made, so the retry
  // can carry it and be counted once even if Kafka did store the first copy.
  const std::string made_id = refused.Json().value("eventId", "");
  EXPECT_TRUE(IsValidEventId(made_id)) << refused.body;
  EXPECT_NE(
      refused.Json().value("message", "").find("retry with the same eventId (" + made_id + ")"),
      std::string::npos)
      << refused.body;
  EXPECT_LT(waited, 5s) << "bounded by the 2 s delivery timeout";
  test::HttpResult ready = test::Get(kPort, "/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.Json().value("message", "").find("kafka"), std::string::npos) << ready.body;

  // A request in flight when SIGTERM arrives is still answered, then the node exits 0.
  auto in_flight = std::async(std::launch::async,
                              [&] { return test::Post(kPort, "/engagement/like", like, token); });
  std::this_thread::sleep_for(300ms);
  const int status = node->Stop(SIGTERM);
  EXPECT_EQ(in_flight.get().status, 503);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;

  // SIGTERM while a like still waits for Kafka past every drain (a delivery
  // timeout longer than the drains): the producer's destructor fails it and its
  // callback resumes the request on the io_context, which must still exist then
  // (the producer is destroyed before it). The node still exits 0.
  node = std::make_unique<test::ChildProcess>(
      test::BinaryDir() / "api" / "la-api",
      std::vector<std::string>{"--port", std::to_string(kPort), "--kafka-topic", topic,
                               "--produce-timeout-ms", "60000"},
      std::map<std::string, std::string>{{"JWT_SECRET", kSecret}}, "/tmp/la-it-outage-api.log");
  ASSERT_TRUE(test::WaitHealthy(kPort, 20s));
  auto stuck = std::async(std::launch::async,
                          [&] { return test::Post(kPort, "/engagement/like", like, token); });
  std::this_thread::sleep_for(300ms);
  const int stuck_status = node->Stop(SIGTERM, 60s);  // drains and flushes take ~30 s
  EXPECT_TRUE(WIFEXITED(stuck_status) && WEXITSTATUS(stuck_status) == 0)
      << "status " << stuck_status;
  stuck.get();  // answered or cut off by the drain; either is fine

  node = std::make_unique<test::ChildProcess>(
      test::BinaryDir() / "api" / "la-api",
      std::vector<std::string>{"--port", std::to_string(kPort), "--kafka-topic", topic,
                               "--produce-timeout-ms", "2000"},
      std::map<std::string, std::string>{{"JWT_SECRET", kSecret}, {"LIKE_RATE_PER_S", "0"}},
      "/tmp/la-it-outage-api.log");
  ASSERT_TRUE(test::WaitHealthy(kPort, 20s)) << "the node starts while Kafka is down";
  ASSERT_EQ(Services("start_kafka && wait_kafka"), 0);
  int accepted_status = 0;
  for (auto deadline = std::chrono::steady_clock::now() + 60s;
       accepted_status != 202 && std::chrono::steady_clock::now() < deadline;) {
    accepted_status = test::Post(kPort, "/engagement/like", like, token).status;
  }
  EXPECT_EQ(accepted_status, 202) << "likes are accepted again without restarting the node";
  EXPECT_EQ(test::Get(kPort, "/ready").status, 200);
}

}  // namespace
}  // namespace la
