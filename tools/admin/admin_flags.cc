#include "tools/admin/admin_flags.h"

#include "core/command_line.h"

namespace la::admin {
namespace {

Result<std::optional<std::string>> TakeFlag(std::vector<std::string>& args,
                                            const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::optional<CommandLineFlag> flag = SplitFlag(args[i]);
    if (!flag || flag->name != name) continue;
    if (!flag->value) {
      if (i + 1 == args.size()) return Status::Error("flag --" + name + " needs a value");
      flag->value = args[i + 1];
      args.erase(args.begin() + i + 1);
    }
    args.erase(args.begin() + i);
    return flag->value;
  }
  return std::optional<std::string>();
}

}  // namespace

Result<std::vector<std::optional<std::string>>> TakeFlags(std::vector<std::string>& args,
                                                          const std::vector<std::string>& names) {
  std::vector<std::optional<std::string>> values;
  for (const std::string& name : names) {
    Result<std::optional<std::string>> value = TakeFlag(args, name);
    if (!value.ok()) return value.status();
    values.push_back(std::move(*value));
  }
  return values;
}

bool TakeSwitch(std::vector<std::string>& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::optional<CommandLineFlag> flag = SplitFlag(args[i]);
    if (flag && flag->name == name && !flag->value) {
      args.erase(args.begin() + i);
      return true;
    }
  }
  return false;
}

std::optional<std::string> TakePositional(std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::optional<CommandLineFlag> flag = SplitFlag(args[i])) {
      // "--flag value": skip the value, unless the flag is "--flag=value" or a switch.
      if (!flag->value && flag->name != "dev" && i + 1 < args.size()) ++i;
      continue;
    }
    std::string value = args[i];
    args.erase(args.begin() + i);
    return value;
  }
  return std::nullopt;
}

}  // namespace la::admin
