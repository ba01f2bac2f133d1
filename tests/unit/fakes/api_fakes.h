// In-memory stand-ins for the api node's seams (api/event_publisher.h,
// api/accounts/user_store.h, api/stream_reader.h, api/readiness.h), recording what the
// handlers did and with switches to make them fail; and a harness that runs one handler
// on a private io_context.
#pragma once

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/accounts/password_hasher.h"
#include "api/accounts/user_store.h"
#include "api/event_publisher.h"
#include "api/live_viewers.h"
#include "api/readiness.h"
#include "api/stream_reader.h"
#include "http/router.h"

namespace la::testing {

// Kafka: records every message and answers each with `answer`.
class FakeEventPublisher final : public EventPublisher {
 public:
  struct Message {
    std::string key;
    std::string value;
  };

  boost::asio::awaitable<PublishResult> Publish(std::string_view key,
                                                std::string_view value) override {
    published.push_back({std::string(key), std::string(value)});
    co_return answer;
  }

  PublishResult answer;  // kStored by default
  std::vector<Message> published;
};

// `users`: accounts by email, passwords hashed for real (argon2id, so a login's
// VerifyPassword works), and a switch that makes every call fail.
class FakeUserStore final : public UserStore {
 public:
  Status EnsureIndexes() override { return failure(); }
  Result<CreateOutcome> Create(const std::string& email, const std::string& password,
                               Role role) override {
    if (Status s = failure(); !s.ok()) return s;
    if (users.count(email)) return CreateOutcome::kEmailTaken;
    Result<std::string> hash = HashPassword(password);
    if (!hash.ok()) return hash.status();
    users[email] = User{"id-" + std::to_string(users.size() + 1), email, *hash, role};
    return CreateOutcome::kCreated;
  }
  Result<std::optional<User>> FindByEmail(const std::string& email) override {
    if (Status s = failure(); !s.ok()) return s;
    auto it = users.find(email);
    return it == users.end() ? std::optional<User>() : std::optional<User>(it->second);
  }
  Status EnsureAdmin(const std::string& email, const std::string& password) override {
    Result<CreateOutcome> created = Create(email, password, Role::kAdmin);
    if (!created.ok()) return created.status();
    users[email].role = Role::kAdmin;
    return Status::Ok();
  }

  bool fail = false;
  std::map<std::string, User> users;

 private:
  Status failure() const {
    return fail ? Status::Error("injected failure of users") : Status::Ok();
  }
};

// `streams`: documents by stream id, totals derived from their `likes`.
class FakeStreamReader final : public StreamReader {
 public:
  Result<std::vector<StreamTotal>> TopStreams(size_t limit) override {
    ++reads;
    if (fail) return Status::Error("injected failure of streams");
    std::vector<StreamTotal> totals;
    for (const auto& [id, document] : documents) totals.push_back({id, document.value("likes", 0)});
    std::stable_sort(totals.begin(), totals.end(),
                     [](const StreamTotal& a, const StreamTotal& b) { return a.likes > b.likes; });
    if (totals.size() > limit) totals.resize(limit);
    return totals;
  }
  Result<int64_t> StreamLikes(const std::string& stream_id) override {
    Result<std::optional<nlohmann::json>> document = StreamDocument(stream_id);
    if (!document.ok()) return document.status();
    return *document ? (**document).value("likes", int64_t{0}) : int64_t{0};
  }
  Result<std::optional<nlohmann::json>> StreamDocument(const std::string& stream_id) override {
    ++reads;
    if (fail) return Status::Error("injected failure of streams");
    auto it = documents.find(stream_id);
    return it == documents.end() ? std::optional<nlohmann::json>()
                                 : std::optional<nlohmann::json>(it->second);
  }
  Result<std::optional<nlohmann::json>> ViewerDocument(const std::string& stream_id) override {
    ++reads;
    if (fail) return Status::Error("injected failure of viewers");
    auto it = viewer_documents.find(stream_id);
    return it == viewer_documents.end() ? std::optional<nlohmann::json>()
                                        : std::optional<nlohmann::json>(it->second);
  }
  Result<std::vector<PartitionTotal>> PartitionTotals() override {
    ++reads;
    if (fail) return Status::Error("injected failure of partitionTotals");
    return partition_totals;
  }

  bool fail = false;
  int reads = 0;
  std::map<std::string, nlohmann::json> documents;
  std::map<std::string, nlohmann::json> viewer_documents;
  std::vector<PartitionTotal> partition_totals;
};

// Viewer counts set by the test.
class FakeLiveViewers final : public LiveViewers {
 public:
  int64_t Viewers(const std::string& stream_id) override {
    const auto it = counts.find(stream_id);
    return it == counts.end() ? 0 : it->second;
  }
  int64_t CurrentMinuteMax(const std::string& stream_id) override { return Viewers(stream_id); }
  std::vector<ViewerCount> Top(size_t limit) override {
    std::vector<ViewerCount> top;
    for (const auto& [id, viewers] : counts) top.push_back({id, viewers});
    std::stable_sort(top.begin(), top.end(), [](const ViewerCount& a, const ViewerCount& b) {
      return a.viewers > b.viewers;
    });
    if (top.size() > limit) top.resize(limit);
    return top;
  }
  int64_t Total() override {
    int64_t total = 0;
    for (const auto& [id, viewers] : counts) total += viewers;
    return total;
  }

  std::map<std::string, int64_t> counts;
};

class FakeReadiness final : public Readiness {
 public:
  std::vector<DependencyState> Check() override { return states; }
  std::vector<DependencyState> states = {
      {"kafka", true, ""}, {"redis", true, ""}, {"mongodb", true, ""}};
};

// A request as the server hands it to a handler.
struct TestRequest {
  http::beast_http::verb method = http::beast_http::verb::post;
  std::string target = "/";
  std::string body;
  std::optional<std::string> bearer_token;
  std::string client_ip = "203.0.113.9";
};

// Runs `handler` on `request` to completion (pooled work included) and returns its answer.
inline http::Response RunHandler(const http::Handler& handler, const TestRequest& request) {
  http::Request message{request.method, request.target, 11};
  if (request.bearer_token) {
    message.set(http::beast_http::field::authorization, "Bearer " + *request.bearer_token);
  }
  message.body() = request.body;
  message.prepare_payload();
  const size_t question = request.target.find('?');
  http::RequestContext context{
      message, request.target.substr(0, question),
      question == std::string::npos ? "" : request.target.substr(question + 1), request.client_ip,
      std::make_shared<std::atomic<bool>>(false)};
  boost::asio::io_context io;
  std::optional<http::Response> response;
  boost::asio::co_spawn(io, handler(context),
                        [&response](std::exception_ptr error, http::Response r) {
                          if (error) std::rethrow_exception(error);
                          response = std::move(r);
                        });
  io.run_for(std::chrono::seconds(30));
  if (!response) throw std::runtime_error("the handler did not answer within 30 s");
  return std::move(*response);
}

}  // namespace la::testing
