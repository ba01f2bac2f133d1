// Command flags of la-admin, taken out of the argument list before the connection settings
// (config/tool_config.h) parse the rest. A flag is spelt as every program's flags are
// (core/command_line.h: "--name value" or "--name=value"). Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace la::admin {

// Removes each flag of `names` ("--name value" / "--name=value") from args and returns
// their values in the order of `names`; nullopt for a flag that is not there. Fails, naming
// the flag, when one is the last argument and has no value.
Result<std::vector<std::optional<std::string>>> TakeFlags(std::vector<std::string>& args,
                                                          const std::vector<std::string>& names);

// Removes "--name" from args; true if it was there.
bool TakeSwitch(std::vector<std::string>& args, const std::string& name);

// Removes and returns the first argument that is not a flag ("--..."), skipping
// flag values written as a separate argument ("--kafka-topic x").
std::optional<std::string> TakePositional(std::vector<std::string>& args);

}  // namespace la::admin
