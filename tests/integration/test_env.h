// Where the integration tests find the real servers that ./dev started.
#pragma once

#include <cstdlib>
#include <random>
#include <string>

namespace la::test {

inline std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

inline std::string KafkaBrokers() { return EnvOr("KAFKA_BROKERS", "127.0.0.1:9092"); }
inline std::string RedisUrl() { return EnvOr("REDIS_URL", "redis://127.0.0.1:6379"); }
inline std::string MongoUri() { return EnvOr("MONGO_URI", "mongodb://127.0.0.1:27017"); }

// A name no earlier run used, so tests never see each other's data.
inline std::string UniqueName(const std::string& prefix) {
  static std::mt19937_64 rng(std::random_device{}());
  return prefix + "-" + std::to_string(rng() % 1000000000000ULL);
}

}  // namespace la::test
