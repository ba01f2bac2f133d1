// Answers "can this node do its work?" for GET /ready: Kafka, Redis and MongoDB
// must all answer. Results are cached briefly so a busy probe cannot hammer them.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "adapters/redis_client.h"

namespace la {

struct DependencyState {
  std::string name;  // "kafka", "redis", "mongodb"
  bool up = false;
  std::string detail;  // the error when down
};

class Readiness {
 public:
  Readiness(KafkaProducer& producer, MongoClient& mongo, RedisAddress redis);

  // Checks every dependency (blocking, at most ~1 s each); cached for 500 ms.
  std::vector<DependencyState> Check();

 private:
  KafkaProducer& producer_;
  MongoClient& mongo_;
  std::mutex mutex_;  // guards everything below
  RedisClient redis_;
  std::chrono::steady_clock::time_point checked_at_{};
  std::vector<DependencyState> last_;
};

}  // namespace la
