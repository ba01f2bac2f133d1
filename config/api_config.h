// The settings of la-api, the api node: what every program reads (CommonConfig), the JWT
// secret and admin account (AccountConfig), and the node's own: where it listens, how it
// produces to Kafka, its thread pools, its abuse limits and live viewers. Pure over the
// EnvLookup, but for JWT_SECRET_FILE, which it reads; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/common_config.h"
#include "config/settings.h"

namespace la {

struct ApiConfig : CommonConfig, AccountConfig {
  std::string host = "127.0.0.1";
  int port = 3000;
  int threads = 0;  // 0: one per core
  size_t max_body_bytes = 4096;
  std::string web_root;  // built dashboard files; empty: the api node's default

  // How long the producer waits to fill a batch (linger.ms): every like waits up to this
  // long before it is sent, and the broker's cost is per produce request and per partition
  // batch, not per like (docs/capacity.md). 25 ms against 2: a third less CPU per like for
  // the whole cluster and the broker's cost a third, for ~16 ms more per 202 (bench/RESULTS.md,
  // "cost per like", A/B 5).
  int kafka_linger_ms = 25;
  // ... unless its partition batch holds this many likes already: then it goes at once. 16
  // keeps what the linger wins (the broker's per-batch cost is spread over 16 likes) without
  // its price when likes come fast: 64 connections sending back to back got 21,286 likes/s
  // from one node with 16, 2,162 without (each waited the 25 ms), 14,997 with a 2 ms linger.
  int kafka_batch_messages = 16;
  int produce_timeout_ms = 5000;

  // Live viewers (docs/viewers.md): how often a node reports its counts, and how long the
  // others keep counting a node they no longer hear from (the bound after a kill -9).
  int viewer_report_ms = 1000;
  int viewer_node_ttl_ms = 10000;

  // Abuse limits; 0 turns a limit off.
  // Peers whose X-Real-IP / X-Forwarded-For name the client (comma-separated CIDR).
  std::string trusted_proxies = "127.0.0.0/8,::1/128";
  int login_rate_per_min = 20;  // per client address
  int login_burst = 10;
  int register_rate_per_min = 5;  // per client address
  int register_burst = 5;
  int like_rate_per_s = 5;  // per user (the token's id)
  int like_burst = 20;
  int socket_event_rate_per_s = 20;  // Socket.IO packets per connection
  int socket_event_burst = 100;
  int rate_limit_max_keys = 100000;   // buckets each per-key limiter keeps
  int password_threads = 2;           // argon2id hashing (64 MiB each)
  int password_queue = 16;            // hashing jobs waiting; more: 503
  int password_jobs_per_address = 1;  // hashes one client address may have in flight
  int read_threads = 4;               // MongoDB reads (accounts, totals, snapshots)
  int read_queue = 256;               // reads waiting; more: 503 / ack {error}
  int subscribe_reads_per_socket = 8;
  int max_connections = 10000;  // open HTTP connections (not upgraded)
  int max_connections_per_address = 256;
  int max_sessions = 20000;  // Engine.IO sessions
  int max_sessions_per_address = 200;
  // Engine.IO polling GETs in progress, below max_connections (-1, unset: half of it).
  int max_held_polls = -1;
  int write_timeout_ms = 10000;  // a WebSocket or polling write that takes longer ends the session
};

// Builds la-api's configuration from the environment and `args` (argv without the program
// name). Flags win over environment variables. Unknown flags, malformed numbers, out-of-range
// values and missing required settings (JWT_SECRET outside dev mode, or shorter than 32
// bytes) are errors, each naming the setting and the value.
Result<ConfigOrHelp<ApiConfig>> LoadApiConfig(const std::vector<std::string>& args,
                                              const EnvLookup& env);

}  // namespace la
