// How a program's settings are read: each setting has a flag, an environment variable and a
// way to store a checked value into the program's config struct `C`. LoadSettings applies the
// environment, then the flags (so that a flag wins), failing at the first bad value with a
// message naming the setting, the value and what is expected. Pure over the EnvLookup it is
// given; safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/command_line.h"
#include "core/status.h"

namespace la {

// Reads an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
EnvLookup ProcessEnvironment();

// What a Load...Config function produced: a config, or the --help text to print and exit 0.
template <typename C>
struct ConfigOrHelp {
  std::optional<C> config;
  std::string help;
  // Things to warn about at start, e.g. a secret passed as a flag (visible in `ps`).
  std::vector<std::string> warnings;
};

// One setting of config struct C.
template <typename C>
struct Setting {
  const char* flag;  // without the leading "--"
  const char* env;   // nullptr: flag only
  const char* help;
  std::function<Status(C&, const std::string&)> apply;
};

// The settings of `part` (a base of C, such as CommonConfig) as settings of C.
template <typename C, typename Part>
void AddSettings(std::vector<Setting<C>>& to, const std::vector<Setting<Part>>& part) {
  for (const Setting<Part>& s : part) {
    to.push_back({s.flag, s.env, s.help, [apply = s.apply](C& c, const std::string& v) {
                    return apply(static_cast<Part&>(c), v);
                  }});
  }
}

// The settings of config struct C: those of each of its parts (its bases), then its own.
template <typename C, typename... Parts>
std::vector<Setting<C>> JoinSettings(const std::vector<Setting<C>>& own,
                                     const std::vector<Setting<Parts>>&... parts) {
  std::vector<Setting<C>> all;
  (AddSettings(all, parts), ...);
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

// `text` as a whole number in [min, max]; the error names `name` and the value.
Status ParseInt(const std::string& name, const std::string& text, int64_t min, int64_t max,
                int64_t& out);

// 1/true/yes/on or 0/false/no/off/empty; the error names `name` and the value.
Status ParseBool(const std::string& name, const std::string& text, bool& out);

// A whole number in [min, max] stored into `field`.
template <typename C, typename T>
std::function<Status(C&, const std::string&)> IntSetting(const char* name, T C::*field, int64_t min,
                                                         int64_t max) {
  return [=](C& c, const std::string& v) {
    int64_t parsed = 0;
    Status s = ParseInt(name, v, min, max, parsed);
    if (s.ok()) c.*field = static_cast<T>(parsed);
    return s;
  };
}

// Any text but the empty one stored into `field`.
template <typename C>
std::function<Status(C&, const std::string&)> TextSetting(const char* name, std::string C::*field) {
  return [=](C& c, const std::string& v) {
    if (v.empty()) return Status::Error(std::string(name) + " must not be empty");
    c.*field = v;
    return Status::Ok();
  };
}

// The --help text listing `settings`, one entry a setting.
struct SettingHelp {
  const char* flag;
  const char* env;
  const char* help;
};
std::string HelpText(const std::vector<SettingHelp>& settings);

// A warning for a secret given as a flag, which every user of the machine can read.
std::optional<std::string> SecretOnCommandLine(const std::string& flag, const std::string& value);

// Applies the environment, then the flags of `args` (argv without the program name) to
// `config`. Only --dev goes without a value. Unknown flags, malformed or out-of-range values
// are errors; --help gives the help text instead of a config.
template <typename C>
Result<ConfigOrHelp<C>> LoadSettings(const std::vector<Setting<C>>& settings,
                                     const std::vector<std::string>& args, const EnvLookup& env,
                                     C config) {
  ConfigOrHelp<C> out;
  for (const Setting<C>& s : settings) {
    if (s.env == nullptr) continue;
    if (std::optional<std::string> value = env(s.env)) {
      if (Status status = s.apply(config, *value); !status.ok()) return status;
    }
  }
  auto setting_named = [&settings](std::string_view name) -> const Setting<C>* {
    for (const Setting<C>& s : settings) {
      if (name == s.flag) return &s;
    }
    return nullptr;
  };
  Result<CommandLine> line = ParseCommandLine(args, [&](std::string_view name) {
    if (setting_named(name) == nullptr) return FlagKind::kUnknown;
    return name == "dev" ? FlagKind::kSwitch : FlagKind::kValue;
  });
  if (!line.ok()) return line.status();
  if (line->help) {
    std::vector<SettingHelp> help;
    for (const Setting<C>& s : settings) help.push_back({s.flag, s.env, s.help});
    out.help = HelpText(help);
    return out;
  }
  for (const CommandLineFlag& flag : line->flags) {
    const std::string value = flag.value.value_or("true");
    if (Status s = setting_named(flag.name)->apply(config, value); !s.ok()) return s;
    if (auto warning = SecretOnCommandLine(flag.name, value)) out.warnings.push_back(*warning);
  }
  out.config = std::move(config);
  return out;
}

}  // namespace la
