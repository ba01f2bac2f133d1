// The settings of la-admin: what every program reads (CommonConfig), the consumer group and
// its dead-letter topic (GroupConfig), the JWT secret and admin account (AccountConfig), and
// the partitions of the topics it creates. Pure over the EnvLookup, but for JWT_SECRET_FILE,
// which it reads; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "config/common_config.h"
#include "config/settings.h"

namespace la {

struct ToolConfig : CommonConfig, GroupConfig, AccountConfig {
  int kafka_partitions = 12;  // used when the topic is created
};

// Builds la-admin's connection settings from the environment and `args` (what is left of
// argv once the command and its own flags are taken out). Flags win over environment
// variables. Unknown flags, malformed numbers and out-of-range values are errors, each naming
// the setting and the value; JWT_SECRET is checked only when set (the commands that sign
// tokens require it).
Result<ConfigOrHelp<ToolConfig>> LoadToolConfig(const std::vector<std::string>& args,
                                                const EnvLookup& env);

}  // namespace la
