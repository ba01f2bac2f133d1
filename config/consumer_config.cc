#include "config/consumer_config.h"

namespace la {

Result<ConfigOrHelp<ConsumerConfig>> LoadConsumerConfig(const std::vector<std::string>& args,
                                                        const EnvLookup& env) {
  using C = ConsumerConfig;
  const std::vector<Setting<C>> own = {
      {"kafka-fetch-min-bytes", "KAFKA_FETCH_MIN_BYTES",
       "a fetch returns once this many bytes are there (65536) ...",
       IntSetting("KAFKA_FETCH_MIN_BYTES", &C::kafka_fetch_min_bytes, 1, 100000000)},
      {"kafka-fetch-wait-max-ms", "KAFKA_FETCH_WAIT_MAX_MS", "... or after this long, ms (100)",
       IntSetting("KAFKA_FETCH_WAIT_MAX_MS", &C::kafka_fetch_wait_max_ms, 1, 10000)},
      {"metrics-host", "METRICS_HOST",
       "address of the /metrics endpoint (127.0.0.1; 0.0.0.0: every interface)",
       TextSetting("METRICS_HOST", &C::metrics_host)},
      {"flush-interval-ms", "FLUSH_INTERVAL_MS", "batch flush interval (250)",
       IntSetting("FLUSH_INTERVAL_MS", &C::flush_interval_ms, 10, 60000)},
      {"batch-max-events", "BATCH_MAX_EVENTS",
       "flush early at this many events; also the most a consumer buffers (500000)",
       IntSetting("BATCH_MAX_EVENTS", &C::batch_max_events, 1, 10000000)},
      {"dedup-ttl-s", "DEDUP_TTL_S", "how long an eventId is remembered (3600)",
       IntSetting("DEDUP_TTL_S", &C::dedup_ttl_s, 1, 30 * 24 * 3600)},
      {"metrics-port", "METRICS_PORT", "Prometheus /metrics port (0: off)",
       IntSetting("METRICS_PORT", &C::metrics_port, 0, 65535)},
  };
  return LoadSettings(JoinSettings(own, CommonSettings(), GroupSettings()), args, env, C());
}

}  // namespace la
