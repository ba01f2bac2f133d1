#include "tools/admin/admin_flags.h"

namespace la::admin {

std::optional<std::string> TakeFlag(std::vector<std::string>& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--" + name && i + 1 < args.size()) {
      std::string value = args[i + 1];
      args.erase(args.begin() + i, args.begin() + i + 2);
      return value;
    }
    if (args[i].rfind("--" + name + "=", 0) == 0) {
      std::string value = args[i].substr(name.size() + 3);
      args.erase(args.begin() + i);
      return value;
    }
  }
  return std::nullopt;
}

bool TakeSwitch(std::vector<std::string>& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--" + name) {
      args.erase(args.begin() + i);
      return true;
    }
  }
  return false;
}

std::optional<std::string> TakePositional(std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) == 0) {
      // "--flag value": skip the value, unless the flag is "--flag=value" or a switch.
      if (args[i].find('=') == std::string::npos && args[i] != "--dev" && i + 1 < args.size()) ++i;
      continue;
    }
    std::string value = args[i];
    args.erase(args.begin() + i);
    return value;
  }
  return std::nullopt;
}

}  // namespace la::admin
