// Everything a route handler may use, wired once in main.cc. Handlers get a
// reference; the objects live as long as the api node.
#pragma once

#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "api/accounts/user_store.h"
#include "api/rate_limits.h"
#include "api/readiness.h"
#include "core/config.h"
#include "core/jwt_verifier.h"
#include "core/prometheus.h"
#include "http/work_pool.h"

namespace la {

struct ApiContext {
  const Config& config;
  JwtVerifier& tokens;  // bearer tokens of HTTP requests
  KafkaProducer& producer;
  MongoClient& mongo;
  UserStore& users;
  Readiness& readiness;
  http::WorkPool& passwords;  // argon2id hashing (login, register): few threads, short queue
  http::WorkPool& reads;      // MongoDB reads (readiness, totals, snapshots)
  ApiRateLimits& rate_limits;
  prometheus::Registry& metrics;
  prometheus::Counter& produce_errors;
};

}  // namespace la
