#include "adapters/redis_client.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "async/sleep_unless_stopped.h"
#include "core/retry_backoff.h"

namespace la {
namespace {

// What a hiredis reply is, without copying it.
RedisReplyView View(const redisReply* r) {
  RedisReplyView view;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      view.type = RedisReply::Type::kString;
      break;
    case REDIS_REPLY_STATUS:
      view.type = RedisReply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      view.type = RedisReply::Type::kError;
      break;
    case REDIS_REPLY_INTEGER:
      view.type = RedisReply::Type::kInteger;
      view.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      view.type = RedisReply::Type::kArray;
      break;
    default:
      view.type = RedisReply::Type::kNil;
  }
  if (view.type == RedisReply::Type::kString || view.type == RedisReply::Type::kStatus ||
      view.type == RedisReply::Type::kError) {
    view.text = std::string_view(r->str, r->len);
  }
  return view;
}

RedisReply Convert(const redisReply* r) {
  const RedisReplyView view = View(r);
  RedisReply out{.type = view.type, .text = std::string(view.text), .integer = view.integer};
  if (view.type == RedisReply::Type::kArray) {
    for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
  }
  return out;
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

void AppendCommand(redisContext* c, const RedisCommand& command) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : command) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data());
}

// Opens a connection, authenticates and selects the database.
Result<redisContext*> Open(const RedisAddress& address, std::chrono::milliseconds timeout) {
  const std::string endpoint = address.host + ":" + std::to_string(address.port);
  redisContext* c = redisConnectWithTimeout(address.host.c_str(), address.port, ToTimeval(timeout));
  if (c == nullptr) return Status::Error("Redis at " + endpoint + ": out of memory");
  if (c->err) {
    std::string why = c->errstr;
    redisFree(c);
    return Status::Error("Redis at " + endpoint + " is unreachable: " + why +
                         " (check REDIS_URL and that redis-server runs)");
  }
  redisEnableKeepAlive(c);
  auto run = [&](const RedisCommand& command) -> Status {
    AppendCommand(c, command);
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK)
      return Status::Error(std::string("Redis: ") + c->errstr);
    std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(static_cast<redisReply*>(raw),
                                                                  freeReplyObject);
    if (reply->type == REDIS_REPLY_ERROR)
      return Status::Error("Redis " + command[0] + ": " + reply->str);
    return Status::Ok();
  };
  Status s = Status::Ok();
  if (!address.password.empty()) s = run({"AUTH", address.password});
  if (s.ok() && address.db != 0) s = run({"SELECT", std::to_string(address.db)});
  if (!s.ok()) {
    redisFree(c);
    return Status::Error("Redis at " + endpoint + ": " + s.message());
  }
  return c;
}

}  // namespace

RedisClient::RedisClient(RedisAddress address, std::chrono::milliseconds timeout)
    : address_(std::move(address)), timeout_(timeout) {}

RedisClient::~RedisClient() {
  if (context_) redisFree(context_);
}

std::string RedisClient::Endpoint() const {
  return address_.host + ":" + std::to_string(address_.port);
}

Status RedisClient::Connect() { return EnsureConnected(); }

Status RedisClient::EnsureConnected() {
  if (context_) return Status::Ok();
  Result<redisContext*> c = Open(address_, timeout_);
  if (!c.ok()) return c.status();
  context_ = *c;
  redisSetTimeout(context_, ToTimeval(timeout_));
  return Status::Ok();
}

Status RedisClient::ConnectionError(const std::string& during) {
  std::string why = context_->errstr;
  redisFree(context_);
  context_ = nullptr;  // the next call reconnects
  return Status::Error("Redis at " + Endpoint() + " failed during " + during + ": " + why);
}

Result<RedisReply> RedisClient::Command(const RedisCommand& command) {
  Result<std::vector<RedisReply>> replies = Pipeline({command});
  if (!replies.ok()) return replies.status();
  RedisReply& reply = replies->front();
  if (reply.is_error()) return Status::Error("Redis " + command[0] + " failed: " + reply.text);
  return std::move(reply);
}

Result<std::vector<RedisReply>> RedisClient::Pipeline(const std::vector<RedisCommand>& commands) {
  if (Status s = EnsureConnected(); !s.ok()) return s;
  for (const RedisCommand& command : commands) AppendCommand(context_, command);
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK) return ConnectionError(commands[i][0]);
    replies.push_back(Convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return replies;
}

void AppendRedisCommand(std::string& out, std::initializer_list<std::string_view> args) {
  out.append("*").append(std::to_string(args.size())).append("\r\n");
  for (std::string_view arg : args) {
    out.append("$").append(std::to_string(arg.size())).append("\r\n");
    out.append(arg).append("\r\n");
  }
}

Status RedisClient::PipelineFormatted(std::string_view commands, size_t count,
                                      const std::function<void(const RedisReplyView&)>& on_reply) {
  if (count == 0) return Status::Ok();
  if (Status s = EnsureConnected(); !s.ok()) return s;
  if (redisAppendFormattedCommand(context_, commands.data(), commands.size()) != REDIS_OK) {
    return ConnectionError("a pipeline of " + std::to_string(count) + " commands");
  }
  for (size_t i = 0; i < count; ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK) {
      return ConnectionError("a pipeline of " + std::to_string(count) + " commands");
    }
    std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(static_cast<redisReply*>(raw),
                                                                  freeReplyObject);
    const RedisReplyView view = View(reply.get());
    on_reply(view);
  }
  return Status::Ok();
}

RedisSubscriber::RedisSubscriber(RedisAddress address, std::string channel,
                                 MessageHandler on_message, std::function<void()> on_subscribed)
    : address_(std::move(address)),
      channel_(std::move(channel)),
      on_message_(std::move(on_message)),
      on_subscribed_(std::move(on_subscribed)),
      thread_([this] { Run(); }) {}

RedisSubscriber::~RedisSubscriber() {
  stopping_ = true;
  {
    // Unblocks the reader thread's blocking read.
    std::lock_guard lock(context_mutex_);
    if (context_) shutdown(context_->fd, SHUT_RDWR);
  }
  thread_.join();
}

void RedisSubscriber::Run() {
  RetryBackoff backoff(std::chrono::milliseconds(100), std::chrono::seconds(5));
  while (!stopping_) {
    Result<redisContext*> opened = Open(address_, std::chrono::seconds(2));
    if (opened.ok()) {
      {
        std::lock_guard lock(context_mutex_);
        context_ = *opened;
      }
      redisContext* c = *opened;
      AppendCommand(c, {"SUBSCRIBE", channel_});
      void* raw = nullptr;
      while (!stopping_ && redisGetReply(c, &raw) == REDIS_OK) {
        RedisReply reply = Convert(static_cast<redisReply*>(raw));
        freeReplyObject(raw);
        if (reply.elements.size() == 3 && reply.elements[0].text == "subscribe") {
          subscribed_ = true;
          backoff.Succeeded();
          spdlog::info("subscribed to Redis channel {} at {}:{}", channel_, address_.host,
                       address_.port);
          if (on_subscribed_) on_subscribed_();
        } else if (reply.elements.size() == 3 && reply.elements[0].text == "message") {
          // A handler that throws loses this message, not the subscription (nor the process).
          try {
            on_message_(reply.elements[2].text);
          } catch (const std::exception& e) {
            spdlog::error("Redis channel {}: the message handler failed: {}", channel_, e.what());
          }
        }
      }
      subscribed_ = false;
      if (!stopping_)
        spdlog::warn("Redis subscription to {} lost: {}; reconnecting", channel_, c->errstr);
      std::lock_guard lock(context_mutex_);
      redisFree(context_);
      context_ = nullptr;
    }
    const std::chrono::milliseconds wait = backoff.Failed();
    if (!opened.ok())
      spdlog::warn("{}; retrying in {} ms", opened.status().message(), wait.count());
    SleepUnlessStopped(wait, stopping_);
  }
}

}  // namespace la
