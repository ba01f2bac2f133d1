// Process configuration: environment variables (the seed's names) overridden by
// command-line flags, validated once at start-up so that a bad setting fails fast
// with a message naming the setting, the value and what is expected.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace la {

// KAFKA_COMPRESSION: what producers use unless told otherwise, and what is accepted.
inline constexpr const char* kDefaultKafkaCompression = "gzip";
inline constexpr const char* kKafkaCompressionCodecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};

// Which executable is being configured; each uses a subset of the settings.
enum class Program { kApi = 1, kConsumer = 2, kTool = 4 };

struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string password;  // empty: no AUTH
  int db = 0;
};

struct Config {
  bool dev_mode = false;  // relaxes secret rules; never for production
  std::string log_level = "info";

  std::string kafka_brokers = "127.0.0.1:9092";
  std::string kafka_topic = "engagement-events";
  std::string kafka_dlq_topic = "engagement-events-dlq";
  std::string kafka_group = "engagement-group";
  int kafka_partitions = 12;  // used when the topic is created
  // Codec of the messages this process produces (api: likes; consumer: DLQ;
  // la-admin: DLQ replay). The default is one every mainstream client reads
  // without plugins: kafkajs has no LZ4, Snappy or ZSTD codec built in.
  std::string kafka_compression = kDefaultKafkaCompression;
  // How long an api node's producer waits to fill a batch (linger.ms): every like
  // waits up to this long before it is sent, and the broker's cost is per produce
  // request and per partition batch, not per like (docs/capacity.md).
  int kafka_linger_ms = 2;
  // A consumer's fetch returns once this many bytes are there or after the wait,
  // so a busy partition is read in large fetches, not one per produced batch.
  int kafka_fetch_min_bytes = 1;
  int kafka_fetch_wait_max_ms = 100;

  std::string redis_url = "redis://127.0.0.1:6379";
  RedisAddress redis;  // parsed from redis_url
  std::string mongo_uri = "mongodb://127.0.0.1:27017";
  std::string mongo_database = "live-analytics";

  // api node
  std::string host = "127.0.0.1";
  int port = 3000;
  int threads = 0;  // 0: one per core
  std::string jwt_secret;
  std::string admin_email;
  std::string admin_password;
  size_t max_body_bytes = 4096;
  int produce_timeout_ms = 5000;
  std::string web_root;  // built dashboard files; empty: the api node's default
  // Live viewers (docs/viewers.md): how often a node reports its counts, and how long the
  // others keep counting a node they no longer hear from (the bound after a kill -9).
  int viewer_report_ms = 1000;
  int viewer_node_ttl_ms = 10000;

  // Abuse limits of the api node; 0 turns a limit off.
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
  std::string jwt_secret_file;   // read into jwt_secret at start (JWT_SECRET_FILE)
  std::string metrics_host = "127.0.0.1";  // consumer: address of its /metrics

  // consumer
  int flush_interval_ms = 1000;
  int batch_max_events = 500000;
  int dedup_ttl_s = 3600;
  int metrics_port = 0;  // 0: no metrics endpoint
};

// Reads an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
EnvLookup ProcessEnvironment();

// What LoadConfig produced: a Config, or the --help text to print and exit 0.
struct ConfigOrHelp {
  std::optional<Config> config;
  std::string help;
  // Things to warn about at start, e.g. a secret passed as a flag (visible in `ps`).
  std::vector<std::string> warnings;
};

// Builds the configuration of `program` from the environment and `args`
// (argv without the program name). Flags win over environment variables.
// Unknown flags, malformed numbers, out-of-range values and missing required
// settings (JWT_SECRET outside dev mode, or shorter than 32 bytes) are errors.
Result<ConfigOrHelp> LoadConfig(Program program, const std::vector<std::string>& args,
                                const EnvLookup& env);

// `url` with the password of its user information replaced by "***"
// (mongodb://app:***@db:27017/x; redis://***@host when the user information has no
// colon, since Redis URLs may carry a bare password); safe to log or put in a message.
std::string RedactUrl(const std::string& url);

// Parses redis://[:password@]host[:port][/db].
Result<RedisAddress> ParseRedisUrl(const std::string& url);

}  // namespace la
