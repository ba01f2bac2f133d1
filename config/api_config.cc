#include "config/api_config.h"

#include "core/requests/client_address.h"

namespace la {
namespace {

std::vector<Setting<ApiConfig>> ApiSettings() {
  using C = ApiConfig;
  const std::vector<Setting<C>> own = {
      {"kafka-linger-ms", "KAFKA_LINGER_MS",
       "how long a like waits for others to share its produce request, ms (25)",
       IntSetting("KAFKA_LINGER_MS", &C::kafka_linger_ms, 0, 1000)},
      {"kafka-batch-messages", "KAFKA_BATCH_MESSAGES",
       "likes in a partition batch that send it without waiting for the linger (16)",
       IntSetting("KAFKA_BATCH_MESSAGES", &C::kafka_batch_messages, 1, 1000000)},
      {"host", "HOST", "address to listen on (127.0.0.1)", TextSetting("HOST", &C::host)},
      {"port", "PORT", "HTTP port (3000)", IntSetting("PORT", &C::port, 1, 65535)},
      {"threads", "THREADS", "I/O threads (0: one per core)",
       IntSetting("THREADS", &C::threads, 0, 256)},
      {"max-body-bytes", "MAX_BODY_BYTES", "request body limit in bytes (4096)",
       IntSetting("MAX_BODY_BYTES", &C::max_body_bytes, 64, 1 << 20)},
      {"produce-timeout-ms", "PRODUCE_TIMEOUT_MS",
       "how long a like waits for Kafka's ack before 503 (5000)",
       IntSetting("PRODUCE_TIMEOUT_MS", &C::produce_timeout_ms, 100, 120000)},
      {"web-root", "WEB_ROOT", "folder with the built dashboard files",
       TextSetting("WEB_ROOT", &C::web_root)},
      // Abuse limits; 0 turns a limit off.
      {"trusted-proxies", "TRUSTED_PROXIES",
       "peers whose X-Real-IP/X-Forwarded-For name the client (127.0.0.0/8,::1/128; empty: none)",
       [](C& c, const std::string& v) {
         if (auto parsed = TrustedProxies::Parse(v); !parsed.ok()) return parsed.status();
         c.trusted_proxies = v;
         return Status::Ok();
       }},
      {"login-rate-per-min", "LOGIN_RATE_PER_MIN", "logins per minute per client address (20)",
       IntSetting("LOGIN_RATE_PER_MIN", &C::login_rate_per_min, 0, 1000000)},
      {"login-burst", "LOGIN_BURST", "logins a client address may save up (10)",
       IntSetting("LOGIN_BURST", &C::login_burst, 1, 1000000)},
      {"register-rate-per-min", "REGISTER_RATE_PER_MIN",
       "registrations per minute per client address (5)",
       IntSetting("REGISTER_RATE_PER_MIN", &C::register_rate_per_min, 0, 1000000)},
      {"register-burst", "REGISTER_BURST", "registrations a client address may save up (5)",
       IntSetting("REGISTER_BURST", &C::register_burst, 1, 1000000)},
      {"like-rate-per-s", "LIKE_RATE_PER_S", "likes per second per user (5)",
       IntSetting("LIKE_RATE_PER_S", &C::like_rate_per_s, 0, 1000000)},
      {"like-burst", "LIKE_BURST", "likes a user may save up (20)",
       IntSetting("LIKE_BURST", &C::like_burst, 1, 1000000)},
      {"socket-event-rate-per-s", "SOCKET_EVENT_RATE_PER_S",
       "Socket.IO packets per second per connection (20)",
       IntSetting("SOCKET_EVENT_RATE_PER_S", &C::socket_event_rate_per_s, 0, 1000000)},
      {"socket-event-burst", "SOCKET_EVENT_BURST",
       "Socket.IO packets a connection may save up (100)",
       IntSetting("SOCKET_EVENT_BURST", &C::socket_event_burst, 1, 1000000)},
      {"rate-limit-max-keys", "RATE_LIMIT_MAX_KEYS",
       "addresses or users each rate limiter remembers (100000)",
       IntSetting("RATE_LIMIT_MAX_KEYS", &C::rate_limit_max_keys, 1, 10000000)},
      {"password-threads", "PASSWORD_THREADS", "threads hashing passwords (2)",
       IntSetting("PASSWORD_THREADS", &C::password_threads, 1, 64)},
      {"password-queue", "PASSWORD_QUEUE", "password hashes that may wait; more get 503 (16)",
       IntSetting("PASSWORD_QUEUE", &C::password_queue, 1, 100000)},
      {"password-jobs-per-address", "PASSWORD_JOBS_PER_ADDRESS",
       "password hashes one client address may have in flight; more get 429 (1)",
       IntSetting("PASSWORD_JOBS_PER_ADDRESS", &C::password_jobs_per_address, 0, 1000)},
      {"read-threads", "READ_THREADS", "threads reading MongoDB (4)",
       IntSetting("READ_THREADS", &C::read_threads, 1, 256)},
      {"read-queue", "READ_QUEUE", "MongoDB reads that may wait; more get 503 (256)",
       IntSetting("READ_QUEUE", &C::read_queue, 1, 1000000)},
      {"subscribe-reads-per-socket", "SUBSCRIBE_READS_PER_SOCKET",
       "subscribe reads one socket may have in flight (8)",
       IntSetting("SUBSCRIBE_READS_PER_SOCKET", &C::subscribe_reads_per_socket, 1, 1000)},
      {"max-connections", "MAX_CONNECTIONS", "open HTTP connections (10000)",
       IntSetting("MAX_CONNECTIONS", &C::max_connections, 0, 10000000)},
      {"max-connections-per-address", "MAX_CONNECTIONS_PER_ADDRESS",
       "open HTTP connections per peer address; trusted proxies are exempt (256)",
       IntSetting("MAX_CONNECTIONS_PER_ADDRESS", &C::max_connections_per_address, 0, 10000000)},
      {"max-sessions", "MAX_SESSIONS", "open Engine.IO sessions (20000)",
       IntSetting("MAX_SESSIONS", &C::max_sessions, 0, 10000000)},
      {"max-sessions-per-address", "MAX_SESSIONS_PER_ADDRESS",
       "open Engine.IO sessions per client address (200)",
       IntSetting("MAX_SESSIONS_PER_ADDRESS", &C::max_sessions_per_address, 0, 10000000)},
      {"max-held-polls", "MAX_HELD_POLLS",
       "Engine.IO polling GETs held at once, below MAX_CONNECTIONS; more get 503 (half of "
       "MAX_CONNECTIONS: 5000)",
       IntSetting("MAX_HELD_POLLS", &C::max_held_polls, 0, 10000000)},
      {"viewer-report-ms", "VIEWER_REPORT_MS",
       "how often an api node reports its viewer counts to the others (1000)",
       IntSetting("VIEWER_REPORT_MS", &C::viewer_report_ms, 100, 10000)},
      {"viewer-node-ttl-ms", "VIEWER_NODE_TTL_MS",
       "an api node not heard from this long stops counting (10000; at least 3 reports)",
       IntSetting("VIEWER_NODE_TTL_MS", &C::viewer_node_ttl_ms, 300, 600000)},
      {"write-timeout-ms", "WRITE_TIMEOUT_MS",
       "a Socket.IO write stalled this long ends the session (10000)",
       IntSetting("WRITE_TIMEOUT_MS", &C::write_timeout_ms, 100, 600000)},
  };
  return JoinSettings(own, CommonSettings(), AccountSettings());
}

// Held polling GETs occupy HTTP connections: they must leave some for everything else.
Status ValidateCaps(ApiConfig& c) {
  if (c.max_held_polls < 0) c.max_held_polls = c.max_connections / 2;  // not set
  if (c.max_connections == 0) return Status::Ok();
  if (c.max_held_polls == 0 || c.max_held_polls >= c.max_connections) {
    return Status::Error("MAX_HELD_POLLS (" + std::to_string(c.max_held_polls) +
                         ") must be between 1 and MAX_CONNECTIONS - 1 (" +
                         std::to_string(c.max_connections - 1) +
                         "): held polls count among the open connections, and likes and logins "
                         "need some of them; lower it or raise MAX_CONNECTIONS");
  }
  return Status::Ok();
}

}  // namespace

Result<ConfigOrHelp<ApiConfig>> LoadApiConfig(const std::vector<std::string>& args,
                                              const EnvLookup& env) {
  Result<ConfigOrHelp<ApiConfig>> loaded = LoadSettings(ApiSettings(), args, env, ApiConfig());
  if (!loaded.ok() || !loaded->config) return loaded;
  ApiConfig& config = *loaded->config;
  if (Status s = ValidateAccount(config, config.dev_mode, /*secret_required=*/true); !s.ok())
    return s;
  if (Status s = ValidateCaps(config); !s.ok()) return s;
  // A node must have had the chance to report a few times before the others drop it.
  if (config.viewer_node_ttl_ms < 3 * config.viewer_report_ms) {
    return Status::Error("VIEWER_NODE_TTL_MS (" + std::to_string(config.viewer_node_ttl_ms) +
                         ") must be at least 3 x VIEWER_REPORT_MS (" +
                         std::to_string(config.viewer_report_ms) +
                         "), or a slow report would make the other api nodes drop this one");
  }
  return loaded;
}

}  // namespace la
