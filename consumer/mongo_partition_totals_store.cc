#include "consumer/mongo_partition_totals_store.h"

#include <charconv>
#include <chrono>
#include <limits>
#include <string>

#include "core/counting/stream_document.h"

namespace la {
namespace {

nlohmann::json Now() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return {{"$date", {{"$numberLong", std::to_string(ms.count())}}}};
}

nlohmann::json Document(const PartitionTotal& total) {
  nlohmann::json document = PartitionTotalJson(total);
  document["_id"] = std::to_string(total.partition);
  document["updatedAt"] = Now();
  return document;
}

int64_t Integer(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) return static_cast<int64_t>(value.get<double>());
  return 0;
}

}  // namespace

Result<std::map<int32_t, PartitionTotal>> MongoPartitionTotalsStore::Read(
    std::span<const int32_t> partitions) {
  std::vector<std::string> ids;
  for (const int32_t partition : partitions) ids.push_back(std::to_string(partition));
  Result<std::vector<nlohmann::json>> documents =
      mongo_.Find(kPartitionTotalsCollection, {{"_id", {{"$in", ids}}}}, nlohmann::json::object());
  if (!documents.ok()) return documents.status();
  std::map<int32_t, PartitionTotal> totals;
  for (const nlohmann::json& document : *documents) {
    Result<PartitionTotal> total = ParsePartitionTotal(document);
    if (!total.ok()) {
      return Status::Error("partition summary " + document.value("_id", std::string("?")) + ": " +
                           total.status().message());
    }
    totals[total->partition] = *total;
  }
  return totals;
}

Result<size_t> MongoPartitionTotalsStore::Apply(std::span<const PartitionTotalsUpdate> updates) {
  if (updates.empty()) return size_t{0};
  std::vector<MongoUpdate> writes;
  for (const PartitionTotalsUpdate& update : updates) {
    nlohmann::json set = Document(update.next);
    set.erase("_id");
    writes.push_back({{{"_id", std::to_string(update.next.partition)}, {"wm", update.expected_wm}},
                      {{"$set", std::move(set)}},
                      false});
  }
  Result<MongoBulkResult> written = mongo_.BulkUpdate(kPartitionTotalsCollection, writes);
  if (!written.ok()) return written.status();
  if (!written->write_errors.empty()) return Status::Error(written->write_errors.front().message);
  return static_cast<size_t>(written->matched);
}

Result<bool> MongoPartitionTotalsStore::Create(const PartitionTotal& total) {
  Result<InsertOutcome> inserted = mongo_.InsertOne(kPartitionTotalsCollection, Document(total));
  if (!inserted.ok()) return inserted.status();
  return *inserted == InsertOutcome::kInserted;
}

// One scan of the stream documents for all of `partitions`: the store has no index on the
// watermarks, so a read per partition scanned the collection once per partition.
Result<std::map<int32_t, std::vector<StreamOnPartition>>>
MongoPartitionTotalsStore::StreamsOnPartitions(std::span<const int32_t> partitions) {
  std::map<int32_t, std::vector<StreamOnPartition>> streams;
  nlohmann::json any_of = nlohmann::json::array();
  for (const int32_t partition : partitions) {
    streams.try_emplace(partition);  // listed even when no stream has a watermark on it
    any_of.push_back({{"wm." + std::to_string(partition), {{"$exists", true}}}});
  }
  if (streams.empty()) return streams;
  Result<std::vector<nlohmann::json>> documents =
      mongo_.Find(kStreamsCollection, {{"$or", std::move(any_of)}},
                  {{"projection", {{"likes", 1}, {"wm", 1}}}});
  if (!documents.ok()) return documents.status();
  for (const nlohmann::json& document : *documents) {
    StreamOnPartition stream;
    if (const auto likes = document.find("likes"); likes != document.end())
      stream.likes = Integer(*likes);
    if (const auto wm = document.find("wm"); wm != document.end() && wm->is_object()) {
      for (const auto& [key, offset] : wm->items()) {
        int32_t p = 0;
        const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), p);
        if (error == std::errc() && end == key.data() + key.size())
          stream.watermarks[p] = Integer(offset);
      }
    }
    for (const auto& [p, offset] : stream.watermarks) {
      if (const auto listed = streams.find(p); listed != streams.end())
        listed->second.push_back(stream);
    }
  }
  return streams;
}

Result<PartitionTotal> MongoPartitionTotalsStore::Rebase(int32_t partition, int64_t from) {
  const int32_t partitions[] = {partition};
  Result<std::map<int32_t, PartitionTotal>> stored = Read(partitions);
  if (!stored.ok()) return stored.status();
  const std::string changed = "the summary of partition " + std::to_string(partition) +
                              " changed while it was re-based (is a consumer counting the "
                              "partition?); check with `la-admin partitions` and run the "
                              "command again";
  if (!stored->contains(partition)) {
    const int32_t one[] = {partition};
    Result<std::map<int32_t, std::vector<StreamOnPartition>>> streams = StreamsOnPartitions(one);
    if (!streams.ok()) return streams.status();
    // Every stream document holds all it will get of the old log: none is ahead of its end.
    std::optional<PartitionTotal> first =
        PlanBackfill(partition, std::numeric_limits<int64_t>::max(), streams->at(partition));
    first->wm = from - 1;
    Result<bool> created = Create(*first);
    if (!created.ok()) return created.status();
    if (!*created) return Status::Error(changed);
    return *first;
  }
  PartitionTotal total = stored->at(partition);
  if (total.wm < from) return total;
  const PartitionTotalsUpdate update{total.wm, {partition, total.likes, total.streams, from - 1}};
  Result<size_t> matched = Apply({&update, 1});
  if (!matched.ok()) return matched.status();
  if (*matched != 1) return Status::Error(changed);
  return update.next;
}

}  // namespace la
