// Readiness (api/readiness.h) checked against the servers themselves: a Kafka metadata
// request, a Redis PING and a MongoDB ping, at most ~1 s each. Results are cached for
// 500 ms so a busy probe cannot hammer them. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "adapters/redis_client.h"
#include "api/readiness.h"

namespace la {

class ServerReadiness final : public Readiness {
 public:
  // `producer` and `mongo` must outlive this.
  ServerReadiness(KafkaProducer& producer, MongoClient& mongo, RedisAddress redis);

  std::vector<DependencyState> Check() override;

 private:
  KafkaProducer& producer_;
  MongoClient& mongo_;
  std::mutex mutex_;  // guards everything below
  RedisClient redis_;
  std::chrono::steady_clock::time_point checked_at_{};
  std::vector<DependencyState> last_;
};

}  // namespace la
