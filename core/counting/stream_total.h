// The absolute like count of one stream: what a flush publishes, what the api node
// relays to dashboards and what a snapshot of the top streams holds.
// A plain value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>

namespace la {

struct StreamTotal {
  std::string stream_id;
  int64_t likes = 0;

  bool operator==(const StreamTotal&) const = default;
};

}  // namespace la
