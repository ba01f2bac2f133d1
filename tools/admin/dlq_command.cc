// Parses `la-admin dlq ...` and runs the command.
#include <charconv>

#include "tools/admin/admin_flags.h"
#include "tools/admin/dlq_commands.h"

namespace la::admin {

const char* const kDlqUsage =
    "  dlq list [--limit N]            the newest N dead letters (default 20): position P:O,\n"
    "                                  time, original topic/partition@offset, error, value\n"
    "  dlq show P:O                    one dead letter in full\n"
    "  dlq replay --offsets P:O,...|--all [--dry-run]\n"
    "                                  re-produce the original key and bytes to KAFKA_TOPIC\n"
    "                                  (safe to repeat: dedup counts each eventId once)\n";

namespace {

constexpr size_t kMaxListLimit = 100000;

Status Usage(const std::string& problem) {
  return Status::Error(problem + "\nusage:\n" + kDlqUsage);
}

}  // namespace

Result<DlqCommand> TakeDlqCommand(std::vector<std::string>& args) {
  DlqCommand command;
  const bool all = TakeSwitch(args, "all");
  const bool dry_run = TakeSwitch(args, "dry-run");
  Result<std::vector<std::optional<std::string>>> flags = TakeFlags(args, {"limit", "offsets"});
  if (!flags.ok()) return Usage(flags.status().message());
  const std::optional<std::string> limit = (*flags)[0], offsets = (*flags)[1];
  const std::optional<std::string> action = TakePositional(args);
  if (!action) return Usage("dlq needs an action: list, show or replay");
  command.action = *action;
  if (command.action == "list") {
    if (limit) {
      size_t value = 0;
      const auto [end, error] =
          std::from_chars(limit->data(), limit->data() + limit->size(), value);
      if (error != std::errc() || end != limit->data() + limit->size() || value == 0 ||
          value > kMaxListLimit) {
        return Usage("--limit must be a number from 1 to " + std::to_string(kMaxListLimit) +
                     ", got \"" + *limit + "\"");
      }
      command.limit = value;
    }
  } else if (command.action == "show") {
    const std::optional<std::string> position = TakePositional(args);
    if (!position) return Usage("dlq show needs the position P:O of a dead letter");
    Result<DeadLetterPosition> parsed = ParseDeadLetterPosition(*position);
    if (!parsed.ok()) return parsed.status();
    command.position = *parsed;
  } else if (command.action == "replay") {
    if (all == offsets.has_value())
      return Usage("dlq replay needs either --offsets P:O,... or --all");
    command.replay.all = all;
    command.replay.dry_run = dry_run;
    if (offsets) {
      Result<std::vector<DeadLetterPosition>> parsed = ParseDeadLetterPositions(*offsets);
      if (!parsed.ok()) return parsed.status();
      command.replay.positions = std::move(*parsed);
    }
  } else {
    return Usage("unknown dlq action \"" + command.action + "\"");
  }
  if ((limit && command.action != "list") || (offsets && command.action != "replay") ||
      ((all || dry_run) && command.action != "replay")) {
    return Usage("a flag was given that dlq " + command.action + " does not take");
  }
  return command;
}

Status RunDlq(const ToolConfig& config, const DlqCommand& command, std::ostream& out) {
  if (command.action == "list") return DlqList(config, command.limit, out);
  if (command.action == "show") return DlqShow(config, *command.position, out);
  return DlqReplay(config, command.replay, out);
}

}  // namespace la::admin
