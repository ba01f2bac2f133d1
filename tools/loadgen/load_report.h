// The summary la-loadgen prints at the end of a run: achieved rate, answers by
// HTTP status, connection errors and latency percentiles, as text for people
// or as JSON for scripts (bench/ingest reads the JSON).
#pragma once

#include <string>

#include "tools/loadgen/load_options.h"
#include "tools/loadgen/load_tally.h"

namespace la {

struct LoadSummary {
  const LoadOptions& options;
  const LoadTally& tally;  // merged over all io threads
  double elapsed_s = 0;    // from the start until the last connection finished
  std::string run_id;      // part of every eventId of the run
  uint64_t offered = 0;    // open loop: likes due during the run (0 in a closed loop)
};

// A few lines of text, latencies in milliseconds.
std::string FormatTextSummary(const LoadSummary& summary);
// One JSON object, latencies in microseconds; field names are stable for scripts.
std::string FormatJsonSummary(const LoadSummary& summary);

}  // namespace la
