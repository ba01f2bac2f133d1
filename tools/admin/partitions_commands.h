// la-admin partitions: whether each partition of KAFKA_TOPIC is still the log its
// watermarks were written against, and the operator's step when it is not
// (core/counting/log_anchor.h, docs/exactly-once.md "When Kafka's offsets start
// again").
//
//   partitions                        every partition: its log's offsets, its anchor
//                                     and what the anchor says (same log, replaced,
//                                     re-based, none yet)
//   partitions rebase (--partition P,... | --replaced) [--from-offset N] [--dry-run]
//                                     re-bases replaced partitions so that consumers
//                                     count their new log from offset N (default: the
//                                     log's first offset)
//
// A re-base first moves the partition's watermarks (those at or above N become N - 1;
// at N = 0 they are removed) in its summary (partitionTotals, which keeps its likes and
// streams) and in every stream document, forgets the streams' `firstLike` positions in
// the old log, then replaces the anchor by "count from N", on condition that the anchor
// is still the one checked. A
// halted consumer sees that within seconds and reads the partition from N. Only a
// partition whose anchor says "replaced" is re-based: re-basing a log that still
// holds its counted messages would count them again. Each command opens its own
// clients and writes to `out`.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/tool_config.h"
#include "core/status.h"

namespace la::admin {

// The parsed command line of `la-admin partitions ...`; its flags are removed from `args`.
struct PartitionsCommand {
  std::string action = "status";    // status or rebase
  std::vector<int32_t> partitions;  // rebase --partition, sorted; empty with `replaced`
  bool replaced = false;            // rebase --replaced: every partition found replaced
  std::optional<int64_t> from_offset;
  bool dry_run = false;
};
Result<PartitionsCommand> TakePartitionsCommand(std::vector<std::string>& args);

// Runs a parsed command.
Status RunPartitions(const ToolConfig& config, const PartitionsCommand& command, std::ostream& out);

extern const char* const kPartitionsUsage;

}  // namespace la::admin
