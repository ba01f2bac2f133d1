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
  // --- Kafka compression (issue 12) ---
  // Codec of the messages this process produces (api: likes; consumer: DLQ;
  // la-admin: DLQ replay). The default is one every mainstream client reads
  // without plugins: kafkajs has no LZ4, Snappy or ZSTD codec built in.
  std::string kafka_compression = kDefaultKafkaCompression;
  // --- end Kafka compression ---

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
};

// Builds the configuration of `program` from the environment and `args`
// (argv without the program name). Flags win over environment variables.
// Unknown flags, malformed numbers, out-of-range values and missing required
// settings (JWT_SECRET outside dev mode, or shorter than 32 bytes) are errors.
Result<ConfigOrHelp> LoadConfig(Program program, const std::vector<std::string>& args,
                                const EnvLookup& env);

// Parses redis://[:password@]host[:port][/db].
Result<RedisAddress> ParseRedisUrl(const std::string& url);

}  // namespace la
