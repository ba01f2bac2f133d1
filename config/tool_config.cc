#include "config/tool_config.h"

namespace la {

Result<ConfigOrHelp<ToolConfig>> LoadToolConfig(const std::vector<std::string>& args,
                                                const EnvLookup& env) {
  using C = ToolConfig;
  const std::vector<Setting<C>> own = {
      {"kafka-partitions", "KAFKA_PARTITIONS", "partitions of a created topic (12)",
       IntSetting("KAFKA_PARTITIONS", &C::kafka_partitions, 1, 1000)}};
  Result<ConfigOrHelp<C>> loaded = LoadSettings(
      JoinSettings(own, CommonSettings(), GroupSettings(), AccountSettings()), args, env, C());
  if (!loaded.ok() || !loaded->config) return loaded;
  ToolConfig& config = *loaded->config;
  if (Status s = ValidateAccount(config, config.dev_mode, /*secret_required=*/false); !s.ok())
    return s;
  return loaded;
}

}  // namespace la
