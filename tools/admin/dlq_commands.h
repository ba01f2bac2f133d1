// la-admin dlq: look at and replay the dead letters of KAFKA_DLQ_TOPIC
// (docs/data.md: original key and bytes, headers error, originalTopic,
// originalPartition, originalOffset). A dead letter is named by its position
// in the DLQ topic, "PARTITION:OFFSET", as `dlq list` prints it.
//
//   dlq list [--limit N]                         the newest N (default 20), oldest first
//   dlq show P:O                                 one dead letter in full
//   dlq replay (--offsets P:O,... | --all) [--dry-run]
//                                                re-produce the original key and bytes
//                                                to KAFKA_TOPIC
//
// Replaying is safe to repeat: dedup counts each (userId, eventId) once, so a
// second copy of an event that was counted is dropped as a duplicate (within
// DEDUP_TTL_S). Each command reads the topic with its own short-lived client and
// writes to `out`; run one at a time per call (no shared state).
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/tool_config.h"
#include "core/counting/dead_letter.h"
#include "core/status.h"

namespace la::admin {

struct DlqReplayRequest {
  std::vector<DeadLetterPosition> positions;  // empty with `all`
  bool all = false;
  bool dry_run = false;
};

Status DlqList(const ToolConfig& config, size_t limit, std::ostream& out);
Status DlqShow(const ToolConfig& config, const DeadLetterPosition& position, std::ostream& out);
Status DlqReplay(const ToolConfig& config, const DlqReplayRequest& request, std::ostream& out);

// The parsed command line of `la-admin dlq ...`; its flags are removed from `args`.
struct DlqCommand {
  std::string action;  // list, show or replay
  size_t limit = 20;
  std::optional<DeadLetterPosition> position;  // show
  DlqReplayRequest replay;
};
Result<DlqCommand> TakeDlqCommand(std::vector<std::string>& args);

// Runs a parsed command.
Status RunDlq(const ToolConfig& config, const DlqCommand& command, std::ostream& out);

extern const char* const kDlqUsage;

}  // namespace la::admin
