#include "tools/loadgen/load_tally.h"

namespace la {

void LoadTally::Merge(const LoadTally& other) {
  latency_us.Merge(other.latency_us);
  send_lag_us.Merge(other.send_lag_us);
  unsent += other.unsent;
  for (const auto& [status, count] : other.responses_by_status)
    responses_by_status[status] += count;
  for (const auto& [error, count] : other.connection_errors) connection_errors[error] += count;
  duplicates_sent += other.duplicates_sent;
  outcome_unknown += other.outcome_unknown;
  for (size_t i = 0; i < distinct_accepted_per_stream.size(); ++i) {
    distinct_accepted_per_stream[i] += other.distinct_accepted_per_stream[i];
  }
}

}  // namespace la
