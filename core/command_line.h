// Splits a command line into its flags: "--name value", "--name=value" and
// "--switch", plus --help / -h. The one parser behind every program's flags
// (config/settings.h, la-loadgen, la-consumer-load); each program says which
// names it knows and which of them take a value. Pure; safe from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace la {

// What a program knows a flag name as.
enum class FlagKind {
  kUnknown,  // not a flag of this program: an error
  kSwitch,   // takes no value ("--json"), though "--name=value" gives it one
  kValue,    // takes a value: "--name=value", or the next argument
};

struct CommandLineFlag {
  std::string name;                  // without the leading "--"
  std::optional<std::string> value;  // none for a switch given as "--name"
};

struct CommandLine {
  bool help = false;                   // --help or -h was given; nothing after it was read
  std::vector<CommandLineFlag> flags;  // in the order given; a repeated flag appears twice
};

// The flag `arg` spells: "--name=value" gives both, "--name" a name alone (its value, if
// it takes one, is the next argument); nullopt when `arg` does not start with "--".
std::optional<CommandLineFlag> SplitFlag(const std::string& arg);

// Splits `args` (argv without the program name). Fails, naming the argument,
// on an unknown flag, on an argument that is not a flag, and on a kValue flag
// with nothing after it.
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                     const std::function<FlagKind(std::string_view name)>& kind_of);

}  // namespace la
