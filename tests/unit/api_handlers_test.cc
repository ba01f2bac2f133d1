// The api node's route handlers against fakes of Kafka and MongoDB (tests/unit/fakes/
// api_fakes.h): status codes, the order of the checks (docs/http-api.md: body size is the
// server's, then token 401, role 403, the user's rate limit 429, body 400), and what is
// produced to Kafka.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "api/api_context.h"
#include "api/handlers/handlers.h"
#include "core/auth/jwt.h"
#include "tests/unit/fakes/api_fakes.h"

namespace la {
namespace {

using testing::FakeEventPublisher;
using testing::FakeLiveViewers;
using testing::FakeReadiness;
using testing::FakeStreamReader;
using testing::FakeUserStore;
using ::testing::HasSubstr;
using testing::RunHandler;
using testing::TestRequest;
using verb = http::beast_http::verb;

const std::string kSecret = "api-handlers-test-secret-0123456789abcdef";

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Token(const std::string& role, const std::string& id = "user-1",
                  const std::string& secret = kSecret) {
  return SignJwt({id, role, "jti-" + id, NowS() - 5, NowS() + 3600}, secret);
}

ApiConfig TestConfig() {
  ApiConfig config;
  config.jwt_secret = kSecret;
  config.like_rate_per_s = 1;
  config.like_burst = 3;
  config.password_threads = 1;
  config.read_threads = 1;
  return config;
}

nlohmann::json Body(const http::Response& response) {
  return nlohmann::json::parse(response.body());
}

// One api node's context over fakes.
class ApiHandlersTest : public ::testing::Test {
 protected:
  ApiConfig config = TestConfig();
  JwtVerifier tokens{kSecret};
  FakeEventPublisher events;
  FakeUserStore users;
  FakeStreamReader streams;
  FakeReadiness readiness;
  ReadinessProbe ready_probe{readiness, std::chrono::milliseconds(0), 4};  // checks every time
  prometheus::Registry metrics;
  async::WorkPool passwords{"password", 1, 4};
  async::WorkPool reads{"read", 1, 4};
  ApiRateLimits rate_limits{config};
  prometheus::Counter& produce_errors =
      metrics.AddCounter("kafka_produce_errors_total", "test").With();
  FakeLiveViewers viewers;
  ApiContext api{config,    tokens, events,      users,   streams,        ready_probe,
                 passwords, reads,  rate_limits, metrics, produce_errors, viewers};

  http::Response Like(const std::string& body, std::optional<std::string> token) {
    return RunHandler(handlers::Like(api),
                      {verb::post, "/engagement/like", body, std::move(token)});
  }
};

TEST_F(ApiHandlersTest, ALikeIs202OnlyAfterKafkaStoredItAndProducesTheEventKeyedByStream) {
  const int64_t before_ms = NowS() * 1000;
  http::Response answer = Like(R"({"streamId":"s-1"})", Token("viewer", "u-42"));
  EXPECT_EQ(answer.result(), http::Status::accepted);
  ASSERT_EQ(events.published.size(), 1u);
  EXPECT_EQ(events.published[0].key, "s-1");
  const nlohmann::json event = nlohmann::json::parse(events.published[0].value);
  EXPECT_EQ(event["type"], "LIKE");
  EXPECT_EQ(event["streamId"], "s-1");
  EXPECT_EQ(event["userId"], "u-42");  // the token's id, never the body's
  EXPECT_GE(event["timeStamp"].get<int64_t>(), before_ms);
  EXPECT_EQ(Body(answer)["eventId"], event["eventId"]);
  EXPECT_EQ(Body(answer)["status"], "event queued");
}

TEST_F(ApiHandlersTest, AClientsEventIdIsKeptAndAdminsMayLikeToo) {
  http::Response answer = Like(R"({"streamId":"s-1","eventId":"e-7"})", Token("admin"));
  EXPECT_EQ(answer.result(), http::Status::accepted);
  ASSERT_EQ(events.published.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(events.published[0].value)["eventId"], "e-7");
  EXPECT_EQ(Body(answer)["eventId"], "e-7");
}

TEST_F(ApiHandlersTest, ALikeKafkaDidNotStoreIs503WithItsEventIdAndCountsAsAProduceError) {
  events.answer = {PublishResult::Outcome::kNotStored, "Local: All broker connections are down"};
  http::Response answer = Like(R"({"streamId":"s-1","eventId":"e-8"})", Token("viewer"));
  EXPECT_EQ(answer.result(), http::Status::service_unavailable);
  EXPECT_EQ(answer[http::beast_http::field::retry_after], "1");
  EXPECT_EQ(Body(answer)["eventId"], "e-8");
  EXPECT_EQ(Body(answer)["possiblyStored"], false);
  EXPECT_EQ(produce_errors.Value(), 1u);

  events.answer = {PublishResult::Outcome::kPossiblyStored, "Local: Message timed out"};
  answer = Like(R"({"streamId":"s-1","eventId":"e-8"})", Token("viewer"));
  EXPECT_EQ(answer.result(), http::Status::service_unavailable);
  EXPECT_EQ(Body(answer)["possiblyStored"], true);
  EXPECT_EQ(produce_errors.Value(), 2u);
}

// A request that gets an error enqueues nothing (docs/http-api.md).
TEST_F(ApiHandlersTest, ARefusedLikeProducesNothing) {
  struct Case {
    const char* what;
    std::string body;
    std::optional<std::string> token;
    http::Status status;
  };
  const std::vector<Case> cases = {
      {"no token", R"({"streamId":"s-1"})", std::nullopt, http::Status::unauthorized},
      {"bad token", R"({"streamId":"s-1"})", "not-a-jwt", http::Status::unauthorized},
      {"foreign token", R"({"streamId":"s-1"})",
       Token("viewer", "u", "another-secret-of-sufficient-length-0000"),
       http::Status::unauthorized},
      {"unknown role", R"({"streamId":"s-1"})", Token("guest"), http::Status::forbidden},
      {"bad streamId", R"({"streamId":"has space"})", Token("viewer"), http::Status::bad_request},
      {"empty eventId", R"({"streamId":"s-1","eventId":""})", Token("viewer"),
       http::Status::bad_request},
      {"not JSON", "{", Token("viewer"), http::Status::bad_request},
  };
  for (const Case& c : cases) {
    http::Response answer = Like(c.body, c.token);
    EXPECT_EQ(answer.result(), c.status) << c.what;
    EXPECT_TRUE(Body(answer).contains("message")) << c.what;
  }
  EXPECT_TRUE(events.published.empty());
}

// Today's order: the token (401) and its role (403) come before the body (400).
TEST_F(ApiHandlersTest, TheTokenIsCheckedBeforeTheBody) {
  EXPECT_EQ(Like("{", std::nullopt).result(), http::Status::unauthorized);
  EXPECT_EQ(Like("{", Token("guest")).result(), http::Status::forbidden);
  EXPECT_EQ(Like("{", Token("viewer")).result(), http::Status::bad_request);
}

// The per-user limit comes after the token (it is keyed by the token's id) and before
// the body: a user over the limit gets 429 whatever the body.
TEST_F(ApiHandlersTest, TheUsersRateLimitComesAfterTheTokenAndBeforeTheBody) {
  const std::string token = Token("viewer", "busy-user");
  for (int i = 0; i < config.like_burst; ++i) {
    EXPECT_EQ(Like(R"({"streamId":"s-1"})", token).result(), http::Status::accepted) << i;
  }
  http::Response limited = Like("{", token);
  EXPECT_EQ(limited.result(), http::Status::too_many_requests);
  EXPECT_FALSE(limited[http::beast_http::field::retry_after].empty());
  EXPECT_EQ(Like("{", std::nullopt).result(), http::Status::unauthorized);
  // Another user is not limited.
  EXPECT_EQ(Like(R"({"streamId":"s-1"})", Token("viewer", "calm-user")).result(),
            http::Status::accepted);
  EXPECT_EQ(events.published.size(), static_cast<size_t>(config.like_burst) + 1);
}

TEST_F(ApiHandlersTest, TopStreamsIsForAdminsAndListsTheMostLikedFirst) {
  streams.documents = {{"a", {{"likes", 1}}}, {"b", {{"likes", 5}}}, {"c", {{"likes", 3}}}};
  auto top = [&](const std::string& target, std::optional<std::string> token) {
    return RunHandler(handlers::TopStreams(api), {verb::get, target, "", std::move(token)});
  };
  EXPECT_EQ(top("/streams?top=2", std::nullopt).result(), http::Status::unauthorized);
  EXPECT_EQ(top("/streams?top=2", Token("viewer")).result(), http::Status::forbidden);
  EXPECT_EQ(streams.reads, 0);  // refused before any read
  EXPECT_EQ(top("/streams?top=0", Token("admin")).result(), http::Status::bad_request);

  http::Response answer = top("/streams?top=2", Token("admin"));
  EXPECT_EQ(answer.result(), http::Status::ok);
  EXPECT_EQ(Body(answer), nlohmann::json::parse(R"([{"streamId":"b","likes":5},
                                                   {"streamId":"c","likes":3}])"));
  streams.fail = true;
  EXPECT_EQ(top("/streams?top=2", Token("admin")).result(), http::Status::service_unavailable);
}

TEST_F(ApiHandlersTest, StreamHistoryChecksMethodThenTokenThenStreamId) {
  auto history = [&](verb method, const std::string& target, std::optional<std::string> token) {
    return RunHandler(handlers::StreamHistory(api), {method, target, "", std::move(token)});
  };
  EXPECT_EQ(history(verb::post, "/streams/s-1", std::nullopt).result(),
            http::Status::method_not_allowed);
  EXPECT_EQ(history(verb::get, "/streams/s-1", std::nullopt).result(), http::Status::unauthorized);
  EXPECT_EQ(history(verb::get, "/streams/has space", Token("viewer")).result(),
            http::Status::forbidden);
  EXPECT_EQ(history(verb::get, "/streams/has space", Token("admin")).result(),
            http::Status::bad_request);
  EXPECT_EQ(streams.reads, 0);
  http::Response unknown = history(verb::get, "/streams/s-9", Token("admin"));
  EXPECT_EQ(unknown.result(), http::Status::not_found);
  EXPECT_THAT(Body(unknown)["message"].get<std::string>(), HasSubstr("s-9"));

  streams.documents["s-1"] = {{"_id", "s-1"}, {"streamId", "s-1"}, {"likes", 4}};
  http::Response found = history(verb::get, "/streams/s-1", Token("admin"));
  ASSERT_EQ(found.result(), http::Status::ok) << found.body();
  EXPECT_EQ(Body(found)["streamId"], "s-1");
  EXPECT_EQ(Body(found)["likes"], 4);
  EXPECT_EQ(Body(found)["perMinute"].size(), 60u);
  EXPECT_EQ(Body(found)["viewers"], 0);
  EXPECT_EQ(Body(found)["viewersPerMinute"].size(), 60u);

  // Watched but never liked: found, with no likes.
  viewers.counts["s-2"] = 3;
  streams.viewer_documents["s-2"] = {{"_id", "s-2"}, {"peakViewers", 11}};
  http::Response watched = history(verb::get, "/streams/s-2", Token("admin"));
  ASSERT_EQ(watched.result(), http::Status::ok) << watched.body();
  EXPECT_EQ(Body(watched)["likes"], 0);
  EXPECT_EQ(Body(watched)["viewers"], 3);
  EXPECT_EQ(Body(watched)["peakViewers"], 11);
  EXPECT_EQ(Body(watched)["viewersPerMinute"].back()["viewers"], 3);

  streams.fail = true;
  EXPECT_EQ(history(verb::get, "/streams/s-1", Token("admin")).result(),
            http::Status::service_unavailable);
}

TEST_F(ApiHandlersTest, TopStreamsByViewersComesFromMemoryAndByIsChecked) {
  viewers.counts = {{"a", 2}, {"b", 9}, {"c", 4}};
  auto top = [&](const std::string& target) {
    return RunHandler(handlers::TopStreams(api), {verb::get, target, "", Token("admin")});
  };
  http::Response answer = top("/streams?top=2&by=viewers");
  ASSERT_EQ(answer.result(), http::Status::ok);
  EXPECT_EQ(Body(answer), nlohmann::json::parse(R"([{"streamId":"b","viewers":9},
                                                   {"streamId":"c","viewers":4}])"));
  EXPECT_EQ(streams.reads, 0);
  http::Response bad = top("/streams?top=2&by=watchers");
  EXPECT_EQ(bad.result(), http::Status::bad_request);
  EXPECT_THAT(Body(bad)["message"].get<std::string>(), HasSubstr("watchers"));
}

TEST_F(ApiHandlersTest, TotalsSumThePartitionSummariesAndTheViewers) {
  auto totals = [&](std::optional<std::string> token) {
    return RunHandler(handlers::Totals(api), {verb::get, "/totals", "", std::move(token)});
  };
  EXPECT_EQ(totals(Token("viewer")).result(), http::Status::forbidden);
  streams.partition_totals = {{0, 10, 2, 5}, {1, 7, 3, 9}};
  viewers.counts = {{"a", 4}};
  http::Response answer = totals(Token("admin"));
  ASSERT_EQ(answer.result(), http::Status::ok);
  EXPECT_EQ(Body(answer),
            nlohmann::json::parse(R"({"likes":17,"streams":5,"viewers":4,"partitions":2})"));
  streams.fail = true;
  EXPECT_EQ(totals(Token("admin")).result(), http::Status::service_unavailable);
}

// Self-registration always makes a viewer; the seed's `role` field is ignored.
TEST_F(ApiHandlersTest, RegisterMakesViewersAndRefusesATakenEmail) {
  auto signup = [&](const std::string& body) {
    return RunHandler(handlers::Register(api), {verb::post, "/auth/register", body});
  };
  EXPECT_EQ(signup(R"({"email":"a@example.com","password":"short"})").result(),
            http::Status::bad_request);
  EXPECT_TRUE(users.users.empty());
  const std::string body = R"({"email":"a@example.com","password":"password123","role":"admin"})";
  EXPECT_EQ(signup(body).result(), http::Status::created);
  ASSERT_EQ(users.users.count("a@example.com"), 1u);
  EXPECT_EQ(users.users["a@example.com"].role, Role::kViewer);
  EXPECT_EQ(signup(body).result(), http::Status::conflict);
}

TEST_F(ApiHandlersTest, LoginGivesATokenWithTheAccountsRoleOr401) {
  ASSERT_TRUE(users.EnsureAdmin("boss@example.com", "password123").ok());
  auto login = [&](const std::string& body) {
    return RunHandler(handlers::Login(api), {verb::post, "/auth/login", body});
  };
  http::Response answer = login(R"({"email":"boss@example.com","password":"password123"})");
  ASSERT_EQ(answer.result(), http::Status::ok) << answer.body();
  Result<JwtClaims> claims = VerifyJwt(Body(answer)["token"].get<std::string>(), kSecret, NowS());
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->role, RoleName(Role::kAdmin));
  EXPECT_EQ(claims->id, users.users["boss@example.com"].id);

  EXPECT_EQ(login(R"({"email":"boss@example.com","password":"wrong-password"})").result(),
            http::Status::unauthorized);
  EXPECT_EQ(login(R"({"email":"nobody@example.com","password":"password123"})").result(),
            http::Status::unauthorized);
  users.fail = true;
  EXPECT_EQ(login(R"({"email":"boss@example.com","password":"password123"})").result(),
            http::Status::service_unavailable);
}

TEST_F(ApiHandlersTest, ReadyNamesTheDependencyThatIsDown) {
  auto ready = [&] { return RunHandler(handlers::Ready(api), {verb::get, "/ready"}); };
  EXPECT_EQ(ready().result(), http::Status::ok);
  readiness.states[0] = {"kafka", false, "no metadata within 1000 ms"};
  http::Response down = ready();
  EXPECT_EQ(down.result(), http::Status::service_unavailable);
  EXPECT_THAT(Body(down)["message"].get<std::string>(), HasSubstr("kafka"));
  EXPECT_EQ(Body(down)["dependencies"]["kafka"], "no metadata within 1000 ms");
}

}  // namespace
}  // namespace la
