#include "adapters/kafka_config.h"

#include <spdlog/spdlog.h>

namespace la {
namespace {

// librdkafka's errors through spdlog (as warnings: the client retries by itself),
// its log lines at debug level, instead of raw stderr lines.
class KafkaLogger : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    switch (event.type()) {
      case RdKafka::Event::EVENT_ERROR:
        spdlog::warn("kafka: {} ({})", event.str(), RdKafka::err2str(event.err()));
        break;
      case RdKafka::Event::EVENT_LOG:  // failures also arrive as EVENT_ERROR
        spdlog::debug("kafka {}: {}", event.fac(), event.str());
        break;
      default:
        break;
    }
  }
};

}  // namespace

Result<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(const KafkaSettings& settings) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return Status::Error("Kafka setting " + name + "=" + value + " rejected: " + error);
    }
  }
  static KafkaLogger logger;
  conf->set("event_cb", &logger, error);
  return conf;
}

}  // namespace la
