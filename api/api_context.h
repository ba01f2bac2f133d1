// Everything a route handler may use, wired once in main.cc. Handlers get a
// reference; the objects live as long as the api node. Kafka and MongoDB are reached
// only through the interfaces (event publisher, user store, stream reader, readiness),
// so handlers are unit-tested against fakes (tests/unit/fakes/api_fakes.h).
#pragma once

#include "api/accounts/user_store.h"
#include "api/event_publisher.h"
#include "api/live_viewers.h"
#include "api/rate_limits.h"
#include "api/readiness_probe.h"
#include "api/stream_reader.h"
#include "async/work_pool.h"
#include "config/api_config.h"
#include "core/auth/jwt_verifier.h"
#include "core/prometheus.h"

namespace la {

struct ApiContext {
  const ApiConfig& config;
  JwtVerifier& tokens;     // bearer tokens of HTTP requests and Socket.IO handshakes
  EventPublisher& events;  // likes -> Kafka
  UserStore& users;
  StreamReader& streams;       // totals and histories
  ReadinessProbe& readiness;   // GET /ready, checked on its own thread
  async::WorkPool& passwords;  // argon2id hashing (login, register): few threads, short queue
  async::WorkPool& reads;      // MongoDB reads (totals, histories, snapshots, subscribe reads)
  ApiRateLimits& rate_limits;
  prometheus::Registry& metrics;
  prometheus::Counter& produce_errors;
  LiveViewers& viewers;  // cluster-wide viewer counts, from memory
};

}  // namespace la
