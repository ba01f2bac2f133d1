#include "api/adapters/server_readiness.h"

namespace la {

ServerReadiness::ServerReadiness(KafkaProducer& producer, MongoClient& mongo, RedisAddress redis)
    : producer_(producer),
      mongo_(mongo),
      redis_(std::move(redis), std::chrono::milliseconds(1000)) {}

std::vector<DependencyState> ServerReadiness::Check() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!last_.empty() && now - checked_at_ < std::chrono::milliseconds(500)) return last_;
  auto state = [](const char* name, const Status& s) {
    return DependencyState{name, s.ok(), s.message()};
  };
  Result<RedisReply> pong = redis_.Command({"PING"});
  last_ = {state("kafka", producer_.Ping(std::chrono::milliseconds(1000))),
           state("redis", pong.status()), state("mongodb", mongo_.Ping())};
  checked_at_ = now;
  return last_;
}

}  // namespace la
