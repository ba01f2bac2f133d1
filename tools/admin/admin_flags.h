// Command flags of la-admin, taken out of the argument list before the
// connection settings (core/config.h) parse the rest. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace la::admin {

// Removes "--name value" / "--name=value" from args and returns the value.
std::optional<std::string> TakeFlag(std::vector<std::string>& args, const std::string& name);

// Removes "--name" from args; true if it was there.
bool TakeSwitch(std::vector<std::string>& args, const std::string& name);

// Removes and returns the first argument that is not a flag ("--..."), skipping
// flag values written as a separate argument ("--kafka-topic x").
std::optional<std::string> TakePositional(std::vector<std::string>& args);

}  // namespace la::admin
