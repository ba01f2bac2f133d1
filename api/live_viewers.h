// What the api node knows about live viewers across the cluster (docs/viewers.md), for the
// HTTP routes: counts summed over every live api node, at most one report interval old.
// Implemented by ViewerPresence (api/realtime/viewer_presence.h); handlers are
// unit-tested against a fake. Thread-safe, non-blocking (memory only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/viewers/viewer_counts.h"

namespace la {

class LiveViewers {
 public:
  virtual ~LiveViewers() = default;

  virtual int64_t Viewers(const std::string& stream_id) = 0;
  // The highest count of the stream in the current minute so far.
  virtual int64_t CurrentMinuteMax(const std::string& stream_id) = 0;
  // The `limit` most watched streams, most watched first (ties by stream id).
  virtual std::vector<ViewerCount> Top(size_t limit) = 0;
  virtual int64_t Total() = 0;
};

}  // namespace la
