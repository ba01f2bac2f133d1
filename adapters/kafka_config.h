// Builds librdkafka configuration objects, turning a rejected setting into a Status.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace la {

using KafkaSettings = std::vector<std::pair<std::string, std::string>>;

// A global configuration with every setting applied, or the first one librdkafka rejected.
Result<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(const KafkaSettings& settings);

}  // namespace la
