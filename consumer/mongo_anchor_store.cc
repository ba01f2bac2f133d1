#include "consumer/mongo_anchor_store.h"

#include <chrono>
#include <utility>

#include "core/counting/stream_document.h"

namespace la {
namespace {

nlohmann::json Now() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return {{"$date", {{"$numberLong", std::to_string(ms.count())}}}};
}

// An integer field that MongoDB may hold as int32, int64 or double.
Result<int64_t> IntegerField(const nlohmann::json& document, const char* field,
                             const std::string& what) {
  const auto value = document.find(field);
  if (value == document.end()) return Status::Error(what + " has no " + field);
  if (value->is_number_integer()) return value->get<int64_t>();
  if (value->is_number_float()) return static_cast<int64_t>(value->get<double>());
  return Status::Error(what + "." + field + " is not a number: " + value->dump());
}

Result<PartitionLogRecord> ParseRecord(const nlohmann::json& document, const std::string& what) {
  PartitionLogRecord record;
  if (const auto anchor = document.find("anchor");
      anchor != document.end() && anchor->is_object()) {
    Result<int64_t> offset = IntegerField(*anchor, "offset", what + ".anchor");
    if (!offset.ok()) return offset.status();
    const auto text = anchor->find("digest");
    const std::optional<uint64_t> digest = text != anchor->end() && text->is_string()
                                               ? ParseDigest(text->get_ref<const std::string&>())
                                               : std::nullopt;
    if (!digest) return Status::Error(what + ".anchor.digest is not 16 hex digits");
    record.anchor = LogAnchor{*offset, *digest};
  }
  if (document.contains("rebaseFrom")) {
    Result<int64_t> from = IntegerField(document, "rebaseFrom", what);
    if (!from.ok()) return from.status();
    record.rebase_from = *from;
  }
  return record;
}

nlohmann::json AnchorJson(const LogAnchor& anchor) {
  return {{"offset", anchor.offset}, {"digest", FormatDigest(anchor.digest)}};
}

}  // namespace

MongoAnchorStore::MongoAnchorStore(MongoClient& mongo, std::string topic)
    : mongo_(mongo), topic_(std::move(topic)) {}

std::string MongoAnchorStore::Id(int32_t partition) const {
  return topic_ + ":" + std::to_string(partition);
}

Result<std::map<int32_t, PartitionLogRecord>> MongoAnchorStore::Read(
    const std::vector<int32_t>& partitions) {
  std::vector<std::string> ids;
  for (int32_t partition : partitions) ids.push_back(Id(partition));
  return Find({{"_id", {{"$in", ids}}}});
}

Result<std::map<int32_t, PartitionLogRecord>> MongoAnchorStore::ReadAll() {
  return Find({{"topic", topic_}});
}

Result<std::map<int32_t, PartitionLogRecord>> MongoAnchorStore::Find(const nlohmann::json& filter) {
  Result<std::vector<nlohmann::json>> documents = mongo_.Find(kPartitionLogsCollection, filter);
  if (!documents.ok()) return documents.status();
  std::map<int32_t, PartitionLogRecord> records;
  for (const nlohmann::json& document : *documents) {
    const std::string what = std::string(kPartitionLogsCollection) + " " +
                             document.value("_id", nlohmann::json()).dump();
    Result<int64_t> partition = IntegerField(document, "partition", what);
    if (!partition.ok()) return partition.status();
    Result<PartitionLogRecord> record = ParseRecord(document, what);
    if (!record.ok()) return record.status();
    records[static_cast<int32_t>(*partition)] = std::move(*record);
  }
  return records;
}

Status MongoAnchorStore::SaveAnchors(const std::map<int32_t, LogAnchor>& anchors) {
  std::vector<MongoUpdate> updates;
  const nlohmann::json now = Now();
  for (const auto& [partition, anchor] : anchors) {
    updates.push_back({{{"_id", Id(partition)}},
                       {{"$set",
                         {{"topic", topic_},
                          {"partition", partition},
                          {"anchor", AnchorJson(anchor)},
                          {"updatedAt", now}}},
                        {"$unset", {{"rebaseFrom", ""}}}},
                       true});
  }
  Result<MongoBulkResult> written = mongo_.BulkUpdate(kPartitionLogsCollection, updates);
  if (!written.ok()) return written.status();
  if (!written->write_errors.empty()) {
    return Status::Error("MongoDB refused the anchor of " +
                         std::to_string(written->write_errors.size()) +
                         " partitions, e.g.: " + written->write_errors.front().message);
  }
  return Status::Ok();
}

Result<bool> MongoAnchorStore::Rebase(int32_t partition, const LogAnchor& expected, int64_t from) {
  const MongoUpdate update{
      {{"_id", Id(partition)},
       {"anchor.offset", expected.offset},
       {"anchor.digest", FormatDigest(expected.digest)}},
      {{"$set", {{"rebaseFrom", from}, {"updatedAt", Now()}}}, {"$unset", {{"anchor", ""}}}}};
  Result<MongoBulkResult> written = mongo_.BulkUpdate(kPartitionLogsCollection, {update});
  if (!written.ok()) return written.status();
  if (!written->write_errors.empty()) return Status::Error(written->write_errors.front().message);
  return written->matched == 1;
}

Result<int64_t> MongoAnchorStore::RebaseWatermarks(int32_t partition, int64_t from) {
  const std::string path = "wm." + std::to_string(partition);
  nlohmann::json change = from == 0 ? nlohmann::json{{"$unset", {{path, ""}}}}
                                    : nlohmann::json{{"$set", {{path, from - 1}}}};
  const MongoUpdate watermarks{{{path, {{"$gte", from}}}}, std::move(change), false, true};
  const std::string first_like_partition = std::string(kFirstLikeField) + ".p";
  const MongoUpdate first_likes{
      {{first_like_partition, partition}}, {{"$unset", {{kFirstLikeField, ""}}}}, false, true};
  Result<MongoBulkResult> written = mongo_.BulkUpdate(kStreamsCollection, {watermarks});
  if (!written.ok()) return written.status();
  if (!written->write_errors.empty()) return Status::Error(written->write_errors.front().message);
  Result<MongoBulkResult> forgotten = mongo_.BulkUpdate(kStreamsCollection, {first_likes});
  if (!forgotten.ok()) return forgotten.status();
  if (!forgotten->write_errors.empty())
    return Status::Error(forgotten->write_errors.front().message);
  return written->modified;
}

}  // namespace la
