// What a load run measured. Each io thread keeps its own tally (no locking on
// the hot path); the tallies are merged once the run is over.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/latency_histogram.h"

namespace la {

struct LoadTally {
  explicit LoadTally(size_t stream_count) : distinct_accepted_per_stream(stream_count, 0) {}

  // Adds everything `other` counted.
  void Merge(const LoadTally& other);

  LatencyHistogram latency_us;  // one sample per HTTP response
  // Open loop: how long after its due time each like was sent, i.e. waited for
  // a free connection (all near 0 when the connections kept up with the rate).
  LatencyHistogram send_lag_us;
  // Open loop: arrivals due before the end that no connection was free to send.
  uint64_t unsent = 0;
  std::map<int, uint64_t> responses_by_status;  // e.g. 202 -> 99000, 503 -> 12
  // Failures below HTTP, by what failed: "connect: Connection refused", "read: timeout", ...
  std::map<std::string, uint64_t> connection_errors;
  uint64_t duplicates_sent = 0;  // requests that re-sent an earlier eventId
  // Requests written (at least partly) whose response never came: the server
  // may or may not have accepted them, so exact-total checks need this to be 0.
  uint64_t outcome_unknown = 0;
  // 202s whose eventId had not been accepted before; the pipeline must count these.
  std::vector<uint64_t> distinct_accepted_per_stream;
};

}  // namespace la
