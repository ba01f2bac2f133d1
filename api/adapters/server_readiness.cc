#include "api/adapters/server_readiness.h"

namespace la {

ServerReadiness::ServerReadiness(KafkaProducer& producer, MongoClient& mongo, RedisAddress redis)
    : producer_(producer),
      mongo_(mongo),
      redis_(std::move(redis), std::chrono::milliseconds(1000)) {}

std::vector<DependencyState> ServerReadiness::Check() {
  std::lock_guard lock(mutex_);
  auto state = [](const char* name, const Status& s) {
    return DependencyState{name, s.ok(), s.message()};
  };
  // The client drops a connection that failed, so the second PING runs on a new one.
  const bool reused = redis_.connected();
  Result<RedisReply> pong = redis_.Command({"PING"});
  if (!pong.ok() && reused) pong = redis_.Command({"PING"});
  return {state("kafka", producer_.Ping(std::chrono::milliseconds(1000))),
          state("redis", pong.status()), state("mongodb", mongo_.Ping())};
}

}  // namespace la
