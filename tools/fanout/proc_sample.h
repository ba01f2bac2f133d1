// CPU time and resident memory of a process, from /proc (Linux). The parsers are pure; the
// Sample* functions read the files. Thread-safe (no state).
#pragma once

#include <sys/types.h>

#include <string_view>

#include "core/status.h"

namespace la::fanout {

// User + system CPU time in clock ticks (fields 14 and 15 of /proc/<pid>/stat). The
// process name (field 2) may hold spaces and parentheses, so fields are counted after the
// last ')'.
Result<uint64_t> CpuTicksFromStat(std::string_view stat);

// VmRSS in kB from the text of /proc/<pid>/status.
Result<uint64_t> RssKbFromStatus(std::string_view status);

// The CPU time of `pid` in microseconds, or of this process when `pid` is 0.
Result<uint64_t> SampleCpuMicros(pid_t pid);

// The resident set of `pid` in kB, or of this process when `pid` is 0.
Result<uint64_t> SampleRssKb(pid_t pid);

}  // namespace la::fanout
