// Readiness (api/readiness.h) checked against the servers themselves: a Kafka metadata
// request, a Redis PING and a MongoDB ping. Redis and MongoDB connections that the
// server closed while they sat idle (a restart) fail their first use, so a failure on a
// connection that was open is tried once more on a new one before the dependency is
// reported down (for MongoDB, MongoClient::Ping does it). A check takes ~1 s per server that does
// not answer (2 s for Redis when its open connection stalls), up to ~6 s in all;
// api/readiness_probe.h reuses results. Thread-safe (checks run one at a time).
#pragma once

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
  std::mutex mutex_;  // guards redis_
  RedisClient redis_;
};

}  // namespace la
