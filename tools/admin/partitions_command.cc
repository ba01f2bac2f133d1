// la-admin partitions [rebase ...]: see partitions_commands.h.
#include <algorithm>
#include <charconv>
#include <map>
#include <memory>

#include "adapters/kafka_topic_reader.h"
#include "adapters/mongo_client.h"
#include "consumer/kafka_log_reader.h"
#include "consumer/mongo_anchor_store.h"
#include "consumer/mongo_partition_totals_store.h"
#include "core/counting/log_anchor.h"
#include "tools/admin/admin_flags.h"
#include "tools/admin/partitions_commands.h"

namespace la::admin {

const char* const kPartitionsUsage =
    "  partitions                      each partition of KAFKA_TOPIC: its log, its anchor, and\n"
    "                                  whether the log is still the one counted (halted if not)\n"
    "  partitions rebase --partition P,...|--replaced [--from-offset N] [--dry-run]\n"
    "                                  count a replaced partition's new log from offset N\n"
    "                                  (default: its first offset); docs/exactly-once.md\n";

namespace {

constexpr std::chrono::seconds kKafkaTimeout{10};

Status Usage(const std::string& problem) {
  return Status::Error(problem + "\nusage:\n" + kPartitionsUsage);
}

// A non-negative integer, or an error naming the flag and the value.
template <typename Number>
Result<Number> ParseCount(const std::string& flag, const std::string& text) {
  Number value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return Usage(flag + " takes a number from 0, got \"" + text + "\"");
  }
  return value;
}

// One partition as found: its log now, its record, and what the anchor says.
struct PartitionView {
  PartitionOffsets log;
  PartitionLogRecord record;
  std::optional<LogCheck> check;  // when it has an anchor
};

Result<std::map<int32_t, PartitionView>> Inspect(const ToolConfig& config,
                                                 MongoAnchorStore& store) {
  Result<std::vector<PartitionOffsets>> ranges =
      ReadPartitionOffsets(config.kafka_brokers, config.kafka_topic, kKafkaTimeout);
  if (!ranges.ok()) return ranges.status();
  Result<std::map<int32_t, PartitionLogRecord>> records = store.ReadAll();
  if (!records.ok()) return records.status();
  std::map<int32_t, PartitionView> views;
  std::map<int32_t, int64_t> anchor_offsets;
  for (const PartitionOffsets& range : *ranges) {
    PartitionView& view = views[range.partition];
    view.log = range;
    if (const auto record = records->find(range.partition); record != records->end()) {
      view.record = record->second;
      if (view.record.anchor) anchor_offsets[range.partition] = view.record.anchor->offset;
    }
  }
  if (anchor_offsets.empty()) return views;
  KafkaLogReader reader(config.kafka_brokers, config.kafka_topic, kKafkaTimeout);
  Result<LogReadout> readout = reader.ReadAt(anchor_offsets);
  if (!readout.ok()) return readout.status();
  if (!readout->unreadable.empty()) {
    const auto& [partition, why] = *readout->unreadable.begin();
    return Status::Error("partition " + std::to_string(partition) + " cannot be read now (" + why +
                         "); try again when every partition has a leader");
  }
  for (const auto& [partition, log] : readout->logs) {
    PartitionView& view = views[partition];
    view.check = CheckLog(*view.record.anchor, log);
  }
  return views;
}

bool Replaced(const PartitionView& view) {
  return view.check && view.check->verdict == LogVerdict::kReplaced;
}

std::string Describe(int32_t partition, const PartitionView& view) {
  if (view.check) {
    switch (view.check->verdict) {
      case LogVerdict::kSameLog:
        return "same log";
      case LogVerdict::kAnchorExpired:
        return "same log (" + view.check->reason + ")";
      case LogVerdict::kReplaced:
        return "REPLACED: " + view.check->reason + "; halted until `la-admin partitions rebase " +
               "--partition " + std::to_string(partition) + "`";
    }
  }
  if (view.record.rebase_from) {
    return "re-based: counted from offset " + std::to_string(*view.record.rebase_from);
  }
  return "no anchor yet (nothing committed)";
}

Status ShowPartitions(const ToolConfig& config, const std::map<int32_t, PartitionView>& views,
                      std::ostream& out) {
  size_t replaced = 0;
  out << config.kafka_topic << ": " << views.size() << " partitions\n"
      << "PARTITION\tLOG\tANCHOR\tSTATE\n";
  for (const auto& [partition, view] : views) {
    replaced += Replaced(view) ? 1 : 0;
    out << partition << "\t" << view.log.low << "-" << view.log.high << "\t"
        << (view.record.anchor ? std::to_string(view.record.anchor->offset) : "-") << "\t"
        << Describe(partition, view) << "\n";
  }
  if (replaced > 0) {
    out << replaced << " partitions were replaced: `la-admin partitions rebase --replaced` counts "
        << "their new logs from their first offsets\n";
  }
  return Status::Ok();
}

Status Rebase(const ToolConfig& config, const PartitionsCommand& command, MongoAnchorStore& store,
              MongoPartitionTotalsStore& totals, const std::map<int32_t, PartitionView>& views,
              std::ostream& out) {
  std::vector<int32_t> targets = command.partitions;
  if (command.replaced) {
    for (const auto& [partition, view] : views) {
      if (Replaced(view)) targets.push_back(partition);
    }
    if (targets.empty()) {
      out << "no partition of " << config.kafka_topic << " was replaced; nothing to re-base\n";
      return Status::Ok();
    }
  }
  for (int32_t partition : targets) {
    const auto view = views.find(partition);
    if (view == views.end()) {
      return Status::Error("topic " + config.kafka_topic + " has no partition " +
                           std::to_string(partition));
    }
    if (!Replaced(view->second)) {
      return Status::Error("partition " + std::to_string(partition) + " is not replaced (" +
                           Describe(partition, view->second) +
                           "): re-basing it would count its counted likes again; nothing done");
    }
    const int64_t from = command.from_offset.value_or(view->second.log.low);
    if (from > view->second.log.high) {
      return Status::Error("--from-offset " + std::to_string(from) + " is past the end of " +
                           "partition " + std::to_string(partition) + " (next offset " +
                           std::to_string(view->second.log.high) + "); nothing done");
    }
  }

  for (int32_t partition : targets) {
    const PartitionView& view = views.at(partition);
    const int64_t from = command.from_offset.value_or(view.log.low);
    const std::string name = "partition " + std::to_string(partition);
    if (command.dry_run) {
      out << "would re-base " << name << " (" << view.check->reason
          << "): its watermarks at or above " << from << " "
          << (from == 0 ? "removed" : "set to " + std::to_string(from - 1))
          << " in its summary and the stream documents, its log counted from offset " << from
          << "\n";
      continue;
    }
    Result<PartitionTotal> summary = totals.Rebase(partition, from);
    if (!summary.ok()) {
      return Status::Error("re-basing the summary of " + name +
                           " failed: " + summary.status().message() + "; run the command again");
    }
    Result<int64_t> moved = store.RebaseWatermarks(partition, from);
    if (!moved.ok()) {
      return Status::Error("re-basing the watermarks of " + name +
                           " failed: " + moved.status().message() + "; run the command again");
    }
    Result<bool> rebased = store.Rebase(partition, *view.record.anchor, from);
    if (!rebased.ok()) {
      return Status::Error("recording the re-base of " + name +
                           " failed: " + rebased.status().message() + "; run the command again");
    }
    if (!*rebased) {
      return Status::Error("the anchor of " + name + " changed while it was re-based (did a " +
                           "consumer commit it?); check with `la-admin partitions` and run " +
                           "the command again");
    }
    out << "re-based " << name << ": watermarks of " << *moved << " streams moved, its summary "
        << "kept (" << summary->likes << " likes, " << summary->streams << " streams); "
        << "consumers count its log from offset " << from << " (a halted one within seconds)\n";
  }
  if (command.dry_run) out << "dry run: nothing written\n";
  return Status::Ok();
}

}  // namespace

Result<PartitionsCommand> TakePartitionsCommand(std::vector<std::string>& args) {
  PartitionsCommand command;
  command.replaced = TakeSwitch(args, "replaced");
  command.dry_run = TakeSwitch(args, "dry-run");
  Result<std::vector<std::optional<std::string>>> flags =
      TakeFlags(args, {"partition", "from-offset"});
  if (!flags.ok()) return Usage(flags.status().message());
  const std::optional<std::string> partitions = (*flags)[0], from = (*flags)[1];
  if (const std::optional<std::string> action = TakePositional(args)) command.action = *action;
  if (command.action == "status") {
    if (command.replaced || command.dry_run || partitions || from) {
      return Usage("`la-admin partitions` takes no flags; did you mean `partitions rebase`?");
    }
    return command;
  }
  if (command.action != "rebase")
    return Usage("unknown partitions action \"" + command.action + "\"");
  if (command.replaced == partitions.has_value()) {
    return Usage("partitions rebase needs either --partition P,... or --replaced");
  }
  if (partitions) {
    size_t begin = 0;
    while (begin <= partitions->size()) {
      size_t end = partitions->find(',', begin);
      if (end == std::string::npos) end = partitions->size();
      Result<int32_t> partition =
          ParseCount<int32_t>("--partition", partitions->substr(begin, end - begin));
      if (!partition.ok()) return partition.status();
      command.partitions.push_back(*partition);
      begin = end + 1;
    }
    std::sort(command.partitions.begin(), command.partitions.end());
    command.partitions.erase(std::unique(command.partitions.begin(), command.partitions.end()),
                             command.partitions.end());
  }
  if (from) {
    Result<int64_t> offset = ParseCount<int64_t>("--from-offset", *from);
    if (!offset.ok()) return offset.status();
    command.from_offset = *offset;
  }
  return command;
}

Status RunPartitions(const ToolConfig& config, const PartitionsCommand& command,
                     std::ostream& out) {
  Result<std::unique_ptr<MongoClient>> mongo =
      MongoClient::Create(config.mongo_uri, config.mongo_database);
  if (!mongo.ok()) return mongo.status();
  MongoAnchorStore store(**mongo, config.kafka_topic);
  Result<std::map<int32_t, PartitionView>> views = Inspect(config, store);
  if (!views.ok()) return views.status();
  if (command.action == "status") return ShowPartitions(config, *views, out);
  MongoPartitionTotalsStore totals(**mongo);
  return Rebase(config, command, store, totals, *views, out);
}

}  // namespace la::admin
