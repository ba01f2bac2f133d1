#include "adapters/kafka_config.h"

namespace la {

Result<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(const KafkaSettings& settings) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return Status::Error("Kafka setting " + name + "=" + value + " rejected: " + error);
    }
  }
  return conf;
}

}  // namespace la
