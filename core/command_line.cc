#include "core/command_line.h"

namespace la {

std::optional<CommandLineFlag> SplitFlag(const std::string& arg) {
  if (arg.rfind("--", 0) != 0) return std::nullopt;
  CommandLineFlag flag;
  const size_t equals = arg.find('=');
  flag.name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
  if (equals != std::string::npos) flag.value = arg.substr(equals + 1);
  return flag;
}

Result<CommandLine> ParseCommandLine(
    const std::vector<std::string>& args,
    const std::function<FlagKind(std::string_view name)>& kind_of) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      line.help = true;
      return line;
    }
    std::optional<CommandLineFlag> split = SplitFlag(arg);
    if (!split) return Status::Error("unexpected argument \"" + arg + "\"; see --help");
    CommandLineFlag& flag = *split;
    const FlagKind kind = kind_of(flag.name);
    if (kind == FlagKind::kUnknown) {
      return Status::Error("unknown flag --" + flag.name + "; see --help");
    }
    if (kind == FlagKind::kValue && !flag.value) {
      if (i + 1 == args.size()) return Status::Error("flag --" + flag.name + " needs a value");
      flag.value = args[++i];
    }
    line.flags.push_back(std::move(flag));
  }
  return line;
}

}  // namespace la
