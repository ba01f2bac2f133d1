#include "tools/fanout/proc_sample.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace la::fanout {
namespace {

Result<uint64_t> ParseNumber(std::string_view text, std::string_view what) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) {
    return Status::Error("cannot read " + std::string(what) + " from \"" + std::string(text) +
                         "\"");
  }
  return value;
}

Result<std::string> ReadProcFile(pid_t pid, const char* name) {
  const std::string path =
      "/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/" + name;
  std::ifstream file(path);
  if (!file) return Status::Error("cannot read " + path + "; is the process still running?");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

Result<uint64_t> CpuTicksFromStat(std::string_view stat) {
  const size_t paren = stat.rfind(')');
  if (paren == std::string_view::npos) return Status::Error("no \")\" in a /proc stat line");
  // After ") " come field 3 (state), 4, ...; utime is field 14, stime field 15.
  std::string_view rest = stat.substr(paren + 1);
  uint64_t ticks = 0;
  for (int field = 3; field <= 15; ++field) {
    const size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) return Status::Error("a /proc stat line is too short");
    rest.remove_prefix(start);
    const size_t end = std::min(rest.find(' '), rest.size());
    if (field >= 14) {
      Result<uint64_t> value = ParseNumber(rest.substr(0, end), "utime/stime");
      if (!value.ok()) return value.status();
      ticks += *value;
    }
    rest.remove_prefix(end);
  }
  return ticks;
}

Result<uint64_t> RssKbFromStatus(std::string_view status) {
  const size_t at = status.find("VmRSS:");
  if (at == std::string_view::npos) return Status::Error("no VmRSS line in /proc status");
  std::string_view rest = status.substr(at + 6);
  rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  return ParseNumber(rest.substr(0, rest.find(' ')), "VmRSS");
}

Result<uint64_t> SampleCpuMicros(pid_t pid) {
  Result<std::string> stat = ReadProcFile(pid, "stat");
  if (!stat.ok()) return stat.status();
  Result<uint64_t> ticks = CpuTicksFromStat(*stat);
  if (!ticks.ok()) return ticks.status();
  return *ticks * 1000000 / static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
}

Result<uint64_t> SampleRssKb(pid_t pid) {
  Result<std::string> status = ReadProcFile(pid, "status");
  if (!status.ok()) return status.status();
  return RssKbFromStatus(*status);
}

}  // namespace la::fanout
