#include "consumer/mongo_counter_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <set>
#include <utility>

namespace la {
namespace {

// "wm.<partition>", the dotted path of one watermark.
std::string WatermarkPath(int32_t partition) { return "wm." + std::to_string(partition); }

// Likes over time: fields `minutes` and `hours` (core/counting/like_history.h).
constexpr const char* kMinutesField = "minutes";
constexpr const char* kHoursField = "hours";

// The buckets a new document starts with: {"<index>": likes}.
nlohmann::json BucketObject(const std::map<int64_t, int64_t>& increments) {
  nlohmann::json buckets = nlohmann::json::object();
  for (const auto& [bucket, likes] : increments) buckets[std::to_string(bucket)] = likes;
  return buckets;
}

// Adds the history change to an update's $inc and $unset.
void AddHistory(const HistoryChange& change, nlohmann::json& inc, nlohmann::json& unset) {
  const auto dotted = [](const char* field, int64_t bucket) {
    return std::string(field) + "." + std::to_string(bucket);
  };
  for (const auto& [bucket, likes] : change.minute_increments)
    inc[dotted(kMinutesField, bucket)] = likes;
  for (const auto& [bucket, likes] : change.hour_increments)
    inc[dotted(kHoursField, bucket)] = likes;
  for (const int64_t bucket : change.minute_removals) unset[dotted(kMinutesField, bucket)] = "";
  for (const int64_t bucket : change.hour_removals) unset[dotted(kHoursField, bucket)] = "";
}

// The bucket indexes of a stored `minutes` or `hours` object; other keys are ignored.
std::set<int64_t> BucketIndexes(const nlohmann::json& document, const char* field) {
  std::set<int64_t> indexes;
  const auto buckets = document.find(field);
  if (buckets == document.end() || !buckets->is_object()) return indexes;
  for (const auto& [key, likes] : buckets->items()) {
    int64_t index = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), index);
    if (error == std::errc() && end == key.data() + key.size()) indexes.insert(index);
  }
  return indexes;
}

nlohmann::json FirstLikeJson(const LikePosition& position) {
  return {{"p", position.partition}, {"o", position.offset}};
}

// The current time as an extended-JSON date, for `updatedAt`.
nlohmann::json Now() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return {{"$date", {{"$numberLong", std::to_string(ms.count())}}}};
}

// The document that a StreamUpdate of a stream without a document creates.
nlohmann::json NewDocument(const StreamUpdate& update, const nlohmann::json& now) {
  nlohmann::json watermarks = nlohmann::json::object();
  for (const WatermarkAdvance& advance : update.advances) {
    watermarks[std::to_string(advance.partition)] = advance.next;
  }
  nlohmann::json document = {{"_id", update.stream_id},
                             {"streamId", update.stream_id},
                             {"likes", update.new_likes},
                             {"wm", std::move(watermarks)},
                             {kMinutesField, BucketObject(update.history.minute_increments)},
                             {kHoursField, BucketObject(update.history.hour_increments)},
                             {"updatedAt", now}};
  if (update.first_like) document[kFirstLikeField] = FirstLikeJson(*update.first_like);
  return document;
}

// The compare-and-set update of an existing document: it matches only while
// the document holds the likes and watermarks that were read.
MongoUpdate ConditionalUpdate(const StreamUpdate& update, const nlohmann::json& now) {
  nlohmann::json filter = {{"_id", update.stream_id}, {"likes", update.expected_likes}};
  nlohmann::json set = {{"updatedAt", now}};
  if (update.first_like) set[kFirstLikeField] = FirstLikeJson(*update.first_like);
  for (const WatermarkAdvance& advance : update.advances) {
    const std::string path = WatermarkPath(advance.partition);
    filter[path] =
        advance.expected ? nlohmann::json(*advance.expected) : nlohmann::json{{"$exists", false}};
    set[path] = advance.next;
  }
  nlohmann::json inc = {{"likes", update.likes_to_add}};
  nlohmann::json unset = nlohmann::json::object();
  AddHistory(update.history, inc, unset);
  nlohmann::json change = {{"$inc", std::move(inc)}, {"$set", std::move(set)}};
  if (!unset.empty()) change["$unset"] = std::move(unset);
  return {std::move(filter), std::move(change), false};
}

// Reads an integer field that MongoDB may hold as int32, int64 or double.
Result<int64_t> IntegerField(const nlohmann::json& value, const std::string& what) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) return static_cast<int64_t>(value.get<double>());
  return Status::Error(what + " is not a number: " + value.dump());
}

// Parses the `streams` document of stream `id` into a StreamState.
Result<StreamState> ParseState(const std::string& id, const nlohmann::json& document) {
  StreamState state;
  if (const auto likes = document.find("likes"); likes != document.end()) {
    Result<int64_t> parsed = IntegerField(*likes, "likes of stream \"" + id + "\"");
    if (!parsed.ok()) return parsed.status();
    state.likes = *parsed;
  }
  if (const auto wm = document.find("wm"); wm != document.end() && wm->is_object()) {
    for (const auto& [key, offset] : wm->items()) {
      const std::string what = "wm." + key + " of stream \"" + id + "\"";
      int32_t partition = 0;
      const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), partition);
      if (error != std::errc() || end != key.data() + key.size()) {
        return Status::Error(what + " does not name a partition number");
      }
      Result<int64_t> parsed = IntegerField(offset, what);
      if (!parsed.ok()) return parsed.status();
      state.watermarks[partition] = *parsed;
    }
  }
  state.history = {BucketIndexes(document, kMinutesField), BucketIndexes(document, kHoursField)};
  if (const auto first = document.find(kFirstLikeField);
      first != document.end() && first->is_object()) {
    Result<int64_t> partition =
        IntegerField(first->value("p", nlohmann::json()), "firstLike.p of stream \"" + id + "\"");
    if (!partition.ok()) return partition.status();
    Result<int64_t> offset =
        IntegerField(first->value("o", nlohmann::json()), "firstLike.o of stream \"" + id + "\"");
    if (!offset.ok()) return offset.status();
    state.first_like = LikePosition{static_cast<int32_t>(*partition), *offset};
  }
  return state;
}

}  // namespace

MongoCounterStore::MongoCounterStore(MongoClient& mongo) : mongo_(mongo) {}

Result<StreamStates> MongoCounterStore::Read(std::span<const std::string> stream_ids) {
  if (!likes_index_created_) {
    Status created = mongo_.CreateIndex(kStreamsCollection, {{"likes", -1}}, false);
    if (!created.ok()) return Status::Error("creating the likes index: " + created.message());
    likes_index_created_ = true;
  }
  StreamStates states;
  const nlohmann::json options = {
      {"projection",
       {{"likes", 1}, {"wm", 1}, {kMinutesField, 1}, {kHoursField, 1}, {kFirstLikeField, 1}}}};
  for (size_t first = 0; first < stream_ids.size(); first += kIdsPerRead) {
    const auto slice = stream_ids.subspan(first, std::min(kIdsPerRead, stream_ids.size() - first));
    const nlohmann::json filter = {
        {"_id", {{"$in", std::vector<std::string>(slice.begin(), slice.end())}}}};
    Result<std::vector<nlohmann::json>> documents =
        mongo_.Find(kStreamsCollection, filter, options);
    if (!documents.ok()) return documents.status();
    for (const nlohmann::json& document : *documents) {
      const auto id = document.find("_id");
      if (id == document.end() || !id->is_string()) continue;  // $in matched strings only
      const std::string& stream_id = id->get_ref<const std::string&>();
      Result<StreamState> state = ParseState(stream_id, document);
      if (!state.ok()) return state.status();
      states.emplace(stream_id, std::move(*state));
    }
  }
  return states;
}

Result<std::vector<UpdateOutcome>> MongoCounterStore::Apply(std::span<const StreamUpdate> updates) {
  const nlohmann::json now = Now();
  std::vector<nlohmann::json> inserts;
  std::vector<MongoUpdate> conditional_updates;
  for (const StreamUpdate& update : updates) {
    if (update.document_exists) {
      conditional_updates.push_back(ConditionalUpdate(update, now));
    } else {
      inserts.push_back(NewDocument(update, now));
    }
  }
  Result<MongoBulkResult> inserted = mongo_.BulkInsert(kStreamsCollection, inserts);
  if (!inserted.ok()) return inserted.status();
  int64_t matched = 0;
  for (size_t first = 0; first < conditional_updates.size(); first += kUpdatesPerCommand) {
    const size_t end = std::min(conditional_updates.size(), first + kUpdatesPerCommand);
    Result<MongoBulkResult> updated =
        mongo_.BulkUpdate(kStreamsCollection,
                          {conditional_updates.begin() + first, conditional_updates.begin() + end});
    if (!updated.ok()) return updated.status();
    if (updated->write_errors.empty()) matched += updated->matched;
  }

  const bool all_written = inserted->inserted == static_cast<int64_t>(inserts.size()) &&
                           inserted->write_errors.empty() &&
                           matched == static_cast<int64_t>(conditional_updates.size());
  if (all_written) return std::vector<UpdateOutcome>(updates.size(), UpdateOutcome::kApplied);
  return OutcomesFromCurrentState(updates);
}

Result<std::vector<UpdateOutcome>> MongoCounterStore::OutcomesFromCurrentState(
    std::span<const StreamUpdate> updates) {
  std::vector<std::string> stream_ids;
  for (const StreamUpdate& update : updates) stream_ids.push_back(update.stream_id);
  Result<StreamStates> states = Read(stream_ids);
  if (!states.ok()) {
    return Status::Error("some stream updates were not applied, and reading back which failed: " +
                         states.status().message());
  }
  std::vector<UpdateOutcome> outcomes;
  outcomes.reserve(updates.size());
  for (const StreamUpdate& update : updates) {
    const auto state = states->find(update.stream_id);
    bool holds_new_state = state != states->end() && state->second.likes == update.new_likes;
    for (const WatermarkAdvance& advance : update.advances) {
      if (!holds_new_state) break;
      const auto wm = state->second.watermarks.find(advance.partition);
      holds_new_state = wm != state->second.watermarks.end() && wm->second == advance.next;
    }
    outcomes.push_back(holds_new_state ? UpdateOutcome::kApplied : UpdateOutcome::kStateChanged);
  }
  return outcomes;
}

}  // namespace la
