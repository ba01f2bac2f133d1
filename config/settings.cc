#include "config/settings.h"

#include <charconv>
#include <cstdlib>
#include <sstream>

#include "core/connection_strings.h"

namespace la {

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Status ParseInt(const std::string& name, const std::string& text, int64_t min, int64_t max,
                int64_t& out) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Error(name + " must be a whole number, got \"" + text + "\"");
  }
  if (value < min || value > max) {
    return Status::Error(name + " must be between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", got " + text);
  }
  out = value;
  return Status::Ok();
}

Status ParseBool(const std::string& name, const std::string& v, bool& out) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") {
    out = true;
  } else if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) {
    out = false;
  } else {
    return Status::Error(name + " must be true or false, got \"" + v + "\"");
  }
  return Status::Ok();
}

std::string HelpText(const std::vector<SettingHelp>& settings) {
  std::ostringstream out;
  out << "Settings (a flag wins over its environment variable):\n";
  for (const SettingHelp& s : settings) {
    out << "  --" << s.flag << "=VALUE";
    if (s.env) out << "  (env " << s.env << ")";
    out << "\n      " << s.help << "\n";
  }
  out << "  --help\n      print this text\n";
  return out.str();
}

std::optional<std::string> SecretOnCommandLine(const std::string& flag, const std::string& value) {
  const bool secret = flag == "jwt-secret" || flag == "admin-password" ||
                      ((flag == "mongo-uri" || flag == "redis-url") && RedactUrl(value) != value);
  if (!secret) return std::nullopt;
  return "--" + flag +
         " is given on the command line, where any user of this machine can read it " +
         "(ps, /proc); pass it in the environment" +
         (flag == "jwt-secret" ? " or in a file (JWT_SECRET_FILE)" : "") + " instead";
}

}  // namespace la
