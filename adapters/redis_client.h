// Redis over hiredis: a synchronous client with pipelining, and a subscriber that
// keeps a channel subscription alive across Redis restarts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/connection_strings.h"
#include "core/status.h"

struct redisContext;

namespace la {

struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string text;  // string, status and error replies
  int64_t integer = 0;
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
};

using RedisCommand = std::vector<std::string>;

// A reply as RedisClient::PipelineFormatted hands it over; `text` is valid during the
// callback only. An array reply comes with its type alone.
struct RedisReplyView {
  RedisReply::Type type = RedisReply::Type::kNil;
  std::string_view text;  // string, status and error replies
  int64_t integer = 0;
};

// Appends one command in the Redis protocol (an array of bulk strings) to `out`, for
// RedisClient::PipelineFormatted.
void AppendRedisCommand(std::string& out, std::initializer_list<std::string_view> args);

// One connection; not thread-safe (use one per thread). A call after a broken
// connection reconnects first, so callers simply retry failed calls.
class RedisClient {
 public:
  RedisClient(RedisAddress address, std::chrono::milliseconds timeout);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Connects now (otherwise the first command does); fails with a clear reason.
  Status Connect();
  // Runs one command. An error reply from Redis becomes an error Status.
  Result<RedisReply> Command(const RedisCommand& command);
  // Sends all commands in one round trip; replies come back in order (an error
  // reply for one command is returned as a kError reply, not as a failed call).
  Result<std::vector<RedisReply>> Pipeline(const std::vector<RedisCommand>& commands);
  // The same for `count` commands already in the Redis protocol (AppendRedisCommand),
  // sent in one write; each reply, in order, goes to `on_reply`. For callers that send
  // thousands of commands a second (the consumer's dedup claims): no argument vectors,
  // no copy of each reply.
  Status PipelineFormatted(std::string_view commands, size_t count,
                           const std::function<void(const RedisReplyView&)>& on_reply);
  // "host:port" for messages.
  std::string Endpoint() const;
  // True while a connection is open (a failed call closes it).
  bool connected() const { return context_ != nullptr; }

 private:
  Status EnsureConnected();
  Status ConnectionError(const std::string& during);

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

// Subscribes to one channel on its own thread and calls `on_message` for each
// message. If Redis goes away it logs, retries with backoff (up to 5 s) and
// resubscribes. Stops when destroyed.
class RedisSubscriber {
 public:
  using MessageHandler = std::function<void(const std::string& payload)>;
  // `on_subscribed`, if set, runs on the subscriber's thread after every (re)subscription:
  // messages published while it was not subscribed are lost, and the owner may catch up.
  RedisSubscriber(RedisAddress address, std::string channel, MessageHandler on_message,
                  std::function<void()> on_subscribed = {});
  ~RedisSubscriber();
  // True while a subscription is active.
  bool subscribed() const { return subscribed_; }

 private:
  void Run();

  RedisAddress address_;
  std::string channel_;
  MessageHandler on_message_;
  std::function<void()> on_subscribed_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  std::mutex context_mutex_;
  redisContext* context_ = nullptr;  // guarded by context_mutex_ for shutdown()
  std::thread thread_;
};

}  // namespace la
