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
  // is read in large fetches, not one per produced batch: with librdkafka's default of 1 the
  // broker answers a fetch per produce request, its largest cost per like.
  int kafka_fetch_min_bytes = 65536;
  int kafka_fetch_wait_max_ms = 100;

  // A buffered like waits at most this long to be counted. 250 ms, not 1 s: like -> dashboard
  // p99 0.81-0.83 s instead of 1.6-1.9 s at 5,000 likes/s over 1,000 streams, for 20-57 µs
  // more CPU per like, mostly the store's (bench/RESULTS.md, "cost per like", A/B 6).
  int flush_interval_ms = 250;
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
