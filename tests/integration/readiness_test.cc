// GET /ready of a test-owned api node whose Redis and MongoDB are a private redis-server
// (port 6393) and a private FerretDB (port 27093), so this suite may kill, restart and
// stop them: after a restart of either the next /ready is 200, and a flood of /ready
// while Redis hangs does not hold up the node's MongoDB reads (the read pool that also
// serves dashboard snapshots and subscribe reads).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "adapters/redis_client.h"
#include "core/auth/jwt.h"
#include "tests/integration/http_client.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;

const std::string kSecret = "readiness-test-secret-0123456789abcdef";
constexpr int kRedisPort = 6393;
constexpr int kMongoPort = 27093;
constexpr int kPort = 3095;

// A redis-server of this suite's own, without persistence.
std::unique_ptr<test::ChildProcess> StartRedis() {
  auto redis = std::make_unique<test::ChildProcess>(
      "/usr/bin/redis-server",
      std::vector<std::string>{"--port", std::to_string(kRedisPort), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no"},
      std::map<std::string, std::string>{}, "/tmp/la-it-readiness-redis.log");
  RedisClient client({"127.0.0.1", kRedisPort, "", 0}, 500ms);
  for (int i = 0; i < 100; ++i) {
    if (client.Command({"PING"}).ok()) return redis;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "redis-server on port " << kRedisPort
                << " does not answer; see /tmp/la-it-readiness-redis.log";
  return redis;
}

// True once something accepts TCP connections on 127.0.0.1:`port`.
bool PortOpen(int port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)},
                 ec);
  return !ec;
}

// A FerretDB of this suite's own (the one ./dev builds, in .local/bin of the checkout that
// built this test), on a fresh SQLite directory that survives its restarts.
std::unique_ptr<test::ChildProcess> StartFerretDb() {
  static const std::filesystem::path data =
      std::filesystem::temp_directory_path() / test::UniqueName("la-it-readiness-ferretdb");
  std::filesystem::create_directories(data);
  const std::filesystem::path root = std::filesystem::canonical("/proc/self/exe")
                                         .parent_path()
                                         .parent_path()
                                         .parent_path()
                                         .parent_path();
  auto ferretdb = std::make_unique<test::ChildProcess>(
      root / ".local" / "bin" / "ferretdb",
      std::vector<std::string>{"--handler=sqlite", "--sqlite-url=file:" + data.string() + "/",
                               "--listen-addr=127.0.0.1:" + std::to_string(kMongoPort),
                               "--telemetry=disable", "--log-level=warn", "--debug-addr=-",
                               "--state-dir=" + data.string()},
      std::map<std::string, std::string>{}, "/tmp/la-it-readiness-ferretdb.log");
  for (int i = 0; i < 200 && !PortOpen(kMongoPort); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(PortOpen(kMongoPort)) << "see /tmp/la-it-readiness-ferretdb.log";
  return ferretdb;
}

// The value of an unlabelled gauge or counter in Prometheus text, or -1.
double MetricValue(const std::string& text, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex("\n" + name + " ([0-9.e+]+)\n"))) return -1;
  return std::stod(match[1]);
}

class ReadinessTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = StartRedis();
    mongo_ = StartFerretDb();
    node_ = std::make_unique<test::ChildProcess>(
        test::BinaryDir() / "api" / "la-api",
        std::vector<std::string>{"--port", std::to_string(kPort), "--mongo-database",
                                 test::UniqueName("it-ready")},
        std::map<std::string, std::string>{
            {"JWT_SECRET", kSecret},
            {"LA_DEV", "0"},
            {"REDIS_URL", "redis://127.0.0.1:" + std::to_string(kRedisPort)},
            {"MONGO_URI", "mongodb://127.0.0.1:" + std::to_string(kMongoPort)}},
        "/tmp/la-it-readiness-api.log");
    ASSERT_TRUE(test::WaitHealthy(kPort, 20s)) << "see /tmp/la-it-readiness-api.log";
  }
  static void TearDownTestSuite() {
    node_.reset();
    redis_.reset();
    mongo_.reset();
  }
  void SetUp() override {
    test::HttpResult ready;
    for (int i = 0; i < 100 && ready.status != 200; ++i) {
      ready = test::Get(kPort, "/ready");
      if (ready.status != 200) std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(ready.status, 200) << ready.body;
  }

  static inline std::unique_ptr<test::ChildProcess> redis_;
  static inline std::unique_ptr<test::ChildProcess> mongo_;
  static inline std::unique_ptr<test::ChildProcess> node_;
};

// Kills `server` (the node's connections to it stay open, now dead), starts it again with
// `start` and, once the node's last result (from before the kill) is too old to be reused,
// asks /ready once: the dead connections must not make the node report the server down.
void ExpectReadyAfterRestart(std::unique_ptr<test::ChildProcess>& server,
                             std::unique_ptr<test::ChildProcess> (*start)()) {
  server->Stop(SIGKILL);
  server = start();
  std::this_thread::sleep_for(1500ms);  // results are reused for 1 s
  test::HttpResult ready = test::Get(kPort, "/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
}

TEST_F(ReadinessTest, AfterARedisRestartTheNextReadyIs200) {
  ExpectReadyAfterRestart(redis_, StartRedis);
}

TEST_F(ReadinessTest, AfterAMongoDbRestartTheNextReadyIs200) {
  ExpectReadyAfterRestart(mongo_, StartFerretDb);
}

// Redis hangs (SIGSTOP: connections are accepted, nothing is answered), so each check
// waits for its timeouts. 24 /ready requests are in flight, more than the read pool's 4
// threads; reads of stream documents sent then must be answered while the check still
// runs, that is before any /ready is answered.
TEST_F(ReadinessTest, AReadyFloodWhileRedisHangsDoesNotHoldUpReads) {
  std::this_thread::sleep_for(1100ms);  // no reusable result: the flood starts a check
  ASSERT_EQ(kill(redis_->pid(), SIGSTOP), 0);
  constexpr int kFlood = 24;
  std::atomic<int> ready_answered{0};
  std::vector<std::future<int>> flood;
  for (int i = 0; i < kFlood; ++i) {
    flood.push_back(std::async(std::launch::async, [&] {
      const int status = test::Get(kPort, "/ready").status;
      ++ready_answered;
      return status;
    }));
  }
  // Every /ready is in the node (in flight, the /metrics request itself counted too).
  bool all_in_flight = false;
  for (int i = 0; i < 500 && !all_in_flight; ++i) {
    all_in_flight =
        MetricValue(test::Get(kPort, "/metrics").body, "http_requests_in_flight") >= kFlood + 1;
    if (!all_in_flight) std::this_thread::sleep_for(10ms);
  }
  const int answered_before_reads = ready_answered.load();

  const std::string admin = SignJwt({"readiness-test", "admin", test::UniqueName("jti"),
                                     std::time(nullptr), std::time(nullptr) + 600},
                                    kSecret);
  std::vector<std::future<int>> reads;
  for (int i = 0; i < 8; ++i) {
    const std::string target = "/streams/" + test::UniqueName("s");
    reads.push_back(std::async(std::launch::async, [&, target] {
      return test::HttpCall(kPort, boost::beast::http::verb::get, target, "",
                            {{"Authorization", "Bearer " + admin}})
          .status;
    }));
  }
  std::vector<int> read_statuses;
  for (auto& read : reads) read_statuses.push_back(read.get());
  const int answered_after_reads = ready_answered.load();

  kill(redis_->pid(), SIGCONT);
  std::vector<int> ready_statuses;
  for (auto& request : flood) ready_statuses.push_back(request.get());

  EXPECT_TRUE(all_in_flight) << "the /ready requests never all reached the node";
  EXPECT_EQ(answered_before_reads, 0);
  for (int status : read_statuses) EXPECT_EQ(status, 404) << "a stream that has no likes";
  EXPECT_EQ(answered_after_reads, 0)
      << "the reads were answered only after the readiness check ended";
  // 503, or 200 when Redis, resumed, answered the check's PING before it timed out.
  for (int status : ready_statuses) EXPECT_TRUE(status == 503 || status == 200) << status;
}

}  // namespace
}  // namespace la
