// The settings of la-consumer: what every program reads (CommonConfig), the consumer group
// and its dead-letter topic (GroupConfig), and the consumer's own: how it fetches, batches,
// deduplicates and where it serves /metrics. Pure over the EnvLookup; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "config/common_config.h"
#include "config/settings.h"

namespace la {

struct ConsumerConfig : CommonConfig, GroupConfig {
  // A fetch returns once this many bytes are there or after the wait, so a busy partition
  // is read in large fetches, not one per produced batch.
  int kafka_fetch_min_bytes = 1;
  int kafka_fetch_wait_max_ms = 100;

  int flush_interval_ms = 1000;
  int batch_max_events = 500000;
  int dedup_ttl_s = 3600;
  std::string metrics_host = "127.0.0.1";  // address of its /metrics
  int metrics_port = 0;                    // 0: no metrics endpoint
};

// Builds la-consumer's configuration from the environment and `args` (argv without the
// program name). Flags win over environment variables. Unknown flags, malformed numbers and
// out-of-range values are errors, each naming the setting and the value.
Result<ConfigOrHelp<ConsumerConfig>> LoadConsumerConfig(const std::vector<std::string>& args,
                                                        const EnvLookup& env);

}  // namespace la
