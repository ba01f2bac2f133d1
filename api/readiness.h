// Answers "can this node do its work?" for GET /ready: Kafka, Redis and MongoDB must all
// answer. Implemented in api/adapters/server_readiness.h; GET /ready asks it through
// api/readiness_probe.h, which runs it on a thread of its own and reuses its result.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

namespace la {

struct DependencyState {
  std::string name;  // "kafka", "redis", "mongodb"
  bool up = false;
  std::string detail;  // the error when down
};

class Readiness {
 public:
  virtual ~Readiness() = default;

  // The state of every dependency. Blocking (up to seconds while a server is down).
  virtual std::vector<DependencyState> Check() = 0;
};

}  // namespace la
