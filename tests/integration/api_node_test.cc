// The api node against the real Kafka and FerretDB: a test-owned node (its own
// topic, database and non-dev secret) for exact checks, and the cluster's nodes,
// directly (3001, 3002) and through nginx (8080), for the deployed path.
#include <gtest/gtest.h>

#include <chrono>
#include <numeric>

#include "adapters/kafka_admin.h"
#include "adapters/mongo_client.h"
#include "core/auth/jwt.h"
#include "tests/integration/http_client.h"
#include "tests/integration/kafka_reader.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kPartitions = 12;
const std::string kSecret = "integration-test-secret-0123456789abcdef";

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Token(const std::string& role, int64_t exp_in_s = 3600,
                  const std::string& secret = kSecret) {
  return SignJwt({"user-" + role, role, test::UniqueName("jti"), NowS(), NowS() + exp_in_s},
                 secret);
}

int64_t TotalMessages(const std::vector<int64_t>& highs) {
  return std::accumulate(highs.begin(), highs.end(), 0LL);
}

// One api node owned by this test suite, on its own topic and database.
class ApiNodeTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    topic_ = test::UniqueName("it-likes");
    database_ = test::UniqueName("it-api");
    ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic_, kPartitions}}, 10s).ok());
    node_ = std::make_unique<test::ChildProcess>(
        test::BinaryDir() / "api" / "la-api",
        std::vector<std::string>{"--port", std::to_string(kPort), "--kafka-topic", topic_,
                                 "--mongo-database", database_, "--produce-timeout-ms", "3000"},
        // Every request of this suite comes from 127.0.0.1: the per-address and per-user
        // limits (tested in tests/abuse) would refuse some.
        std::map<std::string, std::string>{{"JWT_SECRET", kSecret},
                                           {"LA_DEV", "0"},
                                           {"LIKE_RATE_PER_S", "0"},
                                           {"LOGIN_RATE_PER_MIN", "0"},
                                           {"REGISTER_RATE_PER_MIN", "0"},
                                           {"PASSWORD_JOBS_PER_ADDRESS", "0"},
                                           // Written as an operator might: logins
                                           // lower-case what they look up.
                                           {"ADMIN_EMAIL", " IT-Admin@Example.com"},
                                           {"ADMIN_PASSWORD", "it-admin-password"}},
        "/tmp/la-it-api-node.log");
    ASSERT_TRUE(test::WaitHealthy(kPort, 20s)) << "see /tmp/la-it-api-node.log";
  }
  static void TearDownTestSuite() { node_.reset(); }

  // Registers a fresh viewer and returns its token.
  std::string RegisterAndLogin(int port, const std::string& extra_body = "") {
    const std::string email = test::UniqueName("viewer") + "@example.com";
    const std::string body =
        R"({"email":")" + email + R"(","password":"correct horse")" + extra_body + "}";
    EXPECT_EQ(test::Post(port, "/auth/register", body).status, 201);
    test::HttpResult login = test::Post(port, "/auth/login", body);
    EXPECT_EQ(login.status, 200) << login.body;
    return login.Json().value("token", "");
  }

  static constexpr int kPort = 3091;
  static inline std::string topic_;
  static inline std::string database_;
  static inline std::unique_ptr<test::ChildProcess> node_;
};

TEST_F(ApiNodeTest, LikeIsProducedWithTheSeedShapeKeyAndPartition) {
  const std::string token = RegisterAndLogin(kPort);
  Result<JwtClaims> claims = VerifyJwt(token, kSecret, NowS());
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->role, "viewer");
  EXPECT_EQ(claims->exp - claims->iat, 3600);

  const std::string stream = test::UniqueName("stream");
  const int32_t partition = test::KafkaPartitionForKey(stream, kPartitions);
  const int64_t start = test::HighWatermarks(test::KafkaBrokers(), topic_, kPartitions)[partition];
  const int64_t before_ms = NowS() * 1000;
  test::HttpResult like = test::Post(kPort, "/engagement/like",
                                     R"({"streamId":")" + stream + R"(","eventId":"ev-1"})", token);
  ASSERT_EQ(like.status, 202) << like.body;
  EXPECT_EQ(like.Json(), json({{"status", "event queued"}, {"eventId", "ev-1"}}));
  test::HttpResult generated =
      test::Post(kPort, "/engagement/like", R"({"streamId":")" + stream + R"("})", token);
  ASSERT_EQ(generated.status, 202) << generated.body;
  const std::string generated_id = generated.Json().value("eventId", "");
  EXPECT_EQ(generated_id.size(), 36u) << "a UUID";

  std::vector<KafkaMessage> messages =
      test::ReadPartition(test::KafkaBrokers(), topic_, partition, start, 2, 10s);
  ASSERT_EQ(messages.size(), 2u) << "both likes on partition " << partition << " of their key, "
                                 << "read from offset " << start;
  EXPECT_EQ(messages[0].key, stream);
  json event = json::parse(messages[0].value);
  EXPECT_EQ(event["eventId"], "ev-1");
  EXPECT_EQ(event["type"], "LIKE");
  EXPECT_EQ(event["streamId"], stream);
  EXPECT_EQ(event["userId"], claims->id);
  ASSERT_TRUE(event["timeStamp"].is_number_integer());
  EXPECT_GE(event["timeStamp"].get<int64_t>(), before_ms);
  EXPECT_LE(event["timeStamp"].get<int64_t>(), NowS() * 1000 + 1000);
  EXPECT_EQ(json::parse(messages[1].value)["eventId"], generated_id);
}

TEST_F(ApiNodeTest, RegistrationRules) {
  const std::string email = test::UniqueName("dup") + "@example.com";
  const std::string body =
      R"({"email":")" + email + R"(","password":"password123","role":"admin"})";
  test::HttpResult first = test::Post(kPort, "/auth/register", body);
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(first.Json(), json({{"message", "User created"}}));
  test::HttpResult again = test::Post(kPort, "/auth/register", body);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.Json().value("message", "").find("already registered"), std::string::npos)
      << again.body;

  // Asking for admin at registration gives a viewer.
  test::HttpResult login = test::Post(kPort, "/auth/login", body);
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(VerifyJwt(login.Json()["token"].get<std::string>(), kSecret, NowS())->role, "viewer");

  for (const std::string& bad :
       {std::string("{}"), std::string(R"({"email":"a@b.co","password":"short"})"),
        std::string(R"({"email":"not-an-email","password":"password123"})"),
        std::string("not json")}) {
    test::HttpResult r = test::Post(kPort, "/auth/register", bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_FALSE(r.Json().value("message", "").empty()) << r.body;
  }
}

// Logs in as `email` until the login succeeds or `attempts` (100 ms apart) are used up.
test::HttpResult LoginWithin(int port, const std::string& email, const std::string& password,
                             int attempts) {
  const std::string body = json({{"email", email}, {"password", password}}).dump();
  test::HttpResult login;
  for (int i = 0; i < attempts && login.status != 200; ++i) {
    login = test::Post(port, "/auth/login", body);
    if (login.status != 200) std::this_thread::sleep_for(100ms);
  }
  return login;
}

TEST_F(ApiNodeTest, AdminFromTheEnvironmentIsCreatedAtStartAndCanLogInWhateverItsCase) {
  // Created in the background at start, from ADMIN_EMAIL " IT-Admin@Example.com".
  for (const std::string email : {"it-admin@example.com", "IT-ADMIN@example.com"}) {
    test::HttpResult login = LoginWithin(kPort, email, "it-admin-password", 50);
    ASSERT_EQ(login.status, 200) << email << ": " << login.body;
    EXPECT_EQ(VerifyJwt(login.Json()["token"].get<std::string>(), kSecret, NowS())->role, "admin");
  }
}

TEST_F(ApiNodeTest, AdminToolCreatesAnAdminThatCanLogInWhateverTheCaseItWasGiven) {
  const std::string name = test::UniqueName("Ops");
  const std::string log = "/tmp/la-it-create-admin.log";
  test::ChildProcess tool(
      test::BinaryDir() / "tools" / "la-admin",
      {"create-admin", "--admin-email", name + "@Example.COM", "--mongo-database", database_},
      {{"ADMIN_PASSWORD", "ops-admin-password"}, {"LA_DEV", "0"}}, log);
  for (int i = 0; i < 300 && tool.running(); ++i) std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(tool.running()) << "la-admin create-admin did not finish; see " << log;
  ASSERT_EQ(tool.Stop(SIGKILL), 0) << "see " << log;

  std::string lower = name + "@example.com";
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  test::HttpResult login = LoginWithin(kPort, lower, "ops-admin-password", 1);
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(VerifyJwt(login.Json()["token"].get<std::string>(), kSecret, NowS())->role, "admin");
}

TEST_F(ApiNodeTest, LoginFailuresLookTheSame) {
  const std::string email = test::UniqueName("login") + "@example.com";
  ASSERT_EQ(test::Post(kPort, "/auth/register",
                       R"({"email":")" + email + R"(","password":"password123"})")
                .status,
            201);
  test::HttpResult wrong =
      test::Post(kPort, "/auth/login", R"({"email":")" + email + R"(","password":"password124"})");
  test::HttpResult unknown = test::Post(
      kPort, "/auth/login", R"({"email":"nobody-)" + email + R"(","password":"password123"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.Json(), json({{"message", "invalid credentials"}}));
  EXPECT_EQ(test::Post(kPort, "/auth/login", R"({"email":5})").status, 400);
}

TEST_F(ApiNodeTest, RejectedLikesProduceNothing) {
  const std::vector<int64_t> before =
      test::HighWatermarks(test::KafkaBrokers(), topic_, kPartitions);
  const std::string like = R"({"streamId":"s1"})";
  const std::string none_alg =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpZCI6IngiLCJyb2xlIjoiYWRtaW4ifQ.";
  struct Case {
    std::string name, body, token;
    int status;
  };
  const std::vector<Case> cases = {
      {"no token", like, "", 401},
      {"garbage token", like, "not.a.token", 401},
      {"alg none", like, none_alg, 401},
      {"other secret", like, Token("viewer", 3600, "another-secret-of-sufficient-length!!"), 401},
      {"expired", like, Token("viewer", -10), 401},
      {"unknown role", like, Token("guest"), 403},
      {"bad streamId", R"({"streamId":"has space"})", Token("viewer"), 400},
      {"empty eventId", R"({"streamId":"s1","eventId":""})", Token("viewer"), 400},
      {"not json", "{", Token("viewer"), 400},
      {"too large, even without a token", R"({"streamId":")" + std::string(5000, 'a') + "\"}", "",
       413},
  };
  for (const Case& c : cases) {
    test::HttpResult r = test::Post(kPort, "/engagement/like", c.body, c.token);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_FALSE(r.Json().value("message", "").empty()) << c.name << ": " << r.body;
  }
  test::HttpResult wrong_scheme =
      test::HttpCall(kPort, boost::beast::http::verb::post, "/engagement/like", like,
                     {{"Authorization", "Basic dXNlcjpwYXNz"}});
  EXPECT_EQ(wrong_scheme.status, 401);
  EXPECT_EQ(TotalMessages(test::HighWatermarks(test::KafkaBrokers(), topic_, kPartitions)),
            TotalMessages(before));
}

TEST_F(ApiNodeTest, MetricsAndReadiness) {
  ASSERT_EQ(test::Post(kPort, "/engagement/like", R"({"streamId":"m"})").status, 401);
  test::HttpResult metrics = test::Get(kPort, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(http_requests_total{route="/engagement/like",status="401"})"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("kafka_produce_errors_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("http_requests_in_flight"), std::string::npos);
  test::HttpResult ready = test::Get(kPort, "/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(test::Get(kPort, "/health").Json(), json({{"status", "OK"}}));
  EXPECT_EQ(test::Get(kPort, "/no/such/route").status, 404);
  EXPECT_EQ(test::HttpCall(kPort, boost::beast::http::verb::delete_, "/health").status, 405);
}

TEST_F(ApiNodeTest, AUserDocumentWithANonStringRoleFailsItsLoginNotTheNode) {
  const std::string email = test::UniqueName("bad-role") + "@example.com";
  const std::string body = R"({"email":")" + email + R"(","password":"password123"})";
  ASSERT_EQ(test::Post(kPort, "/auth/register", body).status, 201);
  auto mongo = MongoClient::Create(test::MongoUri(), database_);
  ASSERT_TRUE(mongo.ok()) << mongo.status().message();
  auto edited =
      (*mongo)->BulkUpdate("users", {{{{"email", email}}, {{"$set", {{"role", 5}}}}, false}});
  ASSERT_TRUE(edited.ok()) << edited.status().message();
  test::HttpResult login = test::Post(kPort, "/auth/login", body);
  EXPECT_EQ(login.status, 503) << login.body;
  EXPECT_EQ(test::Get(kPort, "/health").status, 200) << "the node survived";
  EXPECT_TRUE(node_->running());
}

TEST_F(ApiNodeTest, StartsOnlyWithAStrongSecretOutsideDevMode) {
  test::ChildProcess weak(test::BinaryDir() / "api" / "la-api", {"--port", "3092"},
                          {{"JWT_SECRET", "short"}, {"LA_DEV", "0"}}, "/tmp/la-it-weak-secret.log");
  std::this_thread::sleep_for(1s);
  EXPECT_FALSE(weak.running());
  EXPECT_EQ(test::Get(3092, "/health").status, 0);
}

// The deployed path: the cluster's own api nodes, directly and through nginx.
class ClusterApiTest : public testing::TestWithParam<int> {};

TEST_P(ClusterApiTest, RegisterLoginLikeReachesKafka) {
  const int port = GetParam();
  if (test::Get(port, "/health").status != 200)
    GTEST_FAIL() << "nothing on port " << port << "; run ./dev up";
  const std::string body =
      R"({"email":")" + test::UniqueName("c") + R"(@example.com","password":"password123"})";
  ASSERT_EQ(test::Post(port, "/auth/register", body).status, 201);
  test::HttpResult login = test::Post(port, "/auth/login", body);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = login.Json()["token"];

  // The cluster's topic, with as many partitions as `la-admin topics` gave it (KAFKA_PARTITIONS).
  const std::string topic = "engagement-events", stream = test::UniqueName("cluster-stream");
  const Result<int> partitions = CountPartitions(test::KafkaBrokers(), topic, 10s);
  ASSERT_TRUE(partitions.ok()) << partitions.status().message();
  const int32_t partition = test::KafkaPartitionForKey(stream, *partitions);
  const int64_t start = test::HighWatermarks(test::KafkaBrokers(), topic, *partitions)[partition];
  test::HttpResult like =
      test::Post(port, "/engagement/like", R"({"streamId":")" + stream + R"("})", token);
  ASSERT_EQ(like.status, 202) << like.body;
  const std::string event_id = like.Json()["eventId"];
  bool found = false;
  test::ReadPartition(test::KafkaBrokers(), topic, partition, start, 10000, 10s,
                      [&](const KafkaMessage& m) {
                        found = m.key == stream && json::parse(m.value)["eventId"] == event_id;
                        return found;
                      });
  EXPECT_TRUE(found) << "event " << event_id << " not on " << topic << "[" << partition << "]";
}

INSTANTIATE_TEST_SUITE_P(DirectAndThroughNginx, ClusterApiTest, testing::Values(3001, 3002, 8080),
                         [](const testing::TestParamInfo<int>& info) {
                           return "port" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace la
