// In-memory stand-ins for the consumer's stores (consumer/*.h), with the same
// semantics as the real ones (compare-and-set, SET NX GET, committed offsets)
// and switches to make them fail.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "consumer/anchor_store.h"
#include "consumer/counter_store.h"
#include "consumer/dead_letter_sink.h"
#include "consumer/dedup_store.h"
#include "consumer/event_log.h"
#include "consumer/log_reader.h"
#include "consumer/partition_totals_store.h"
#include "consumer/update_publisher.h"

namespace la {

// Readable test failures.
inline void PrintTo(const StreamTotal& total, std::ostream* out) {
  *out << total.stream_id << "=" << total.likes;
}

}  // namespace la

namespace la::testing {

// Makes calls of one fake fail: `count` calls after `successes_first` more
// successful ones.
class InjectedFailures {
 public:
  void FailNext(int count = 1, int successes_first = 0) {
    remaining_ = count;
    successes_first_ = successes_first;
  }
  void FailAlways() { FailNext(-1); }
  // An error naming `operation` when this call is to fail, Ok otherwise.
  Status Next(const std::string& operation) {
    if (remaining_ == 0) return Status::Ok();
    if (successes_first_ > 0) {
      --successes_first_;
      return Status::Ok();
    }
    if (remaining_ > 0) --remaining_;
    return Status::Error("injected failure of " + operation);
  }

 private:
  int remaining_ = 0;  // -1: forever
  int successes_first_ = 0;
};

// A Kafka topic and one group member: messages appended per partition, a read
// position and a committed offset per partition, an owner check on commits,
// ownership changes delivered during Poll(), pausing and seeking, and a
// partition's log replaced by a new one whose offsets start again at 0.
class FakeEventLog final : public EventLog {
 public:
  static constexpr const char* kTopic = "engagement-events";

  // Appends a message and returns its offset.
  int64_t Append(int32_t partition, const std::string& key, const std::string& value) {
    std::vector<LogMessage>& log = partitions_[partition];
    log.push_back({kTopic, partition, static_cast<int64_t>(log.size()), key, value});
    return log.back().offset;
  }

  // Gives `partitions` to `listener` now, reading from their committed offsets
  // or where the listener's StartOffsets() says.
  void Assign(PartitionOwnershipListener& listener, const std::vector<int32_t>& partitions) {
    const std::map<int32_t, int64_t> starts = listener.StartOffsets(partitions);
    for (int32_t p : partitions) {
      owned_.insert(p);
      const auto start = starts.find(p);
      positions_[p] = start != starts.end() ? start->second : CommittedOffset(p);
    }
    listener.OnPartitionsAssigned(partitions);
  }
  // The topic deleted and created again, as far as `partition` goes: its messages
  // are gone, its offsets start again at 0 and its committed offset is forgotten.
  // An owner keeps its position; a position past the new end starts again at the
  // beginning (as librdkafka's auto.offset.reset=earliest does).
  void Recreate(int32_t partition) {
    partitions_[partition].clear();
    committed_.erase(partition);
  }
  // Takes `partitions` away now, telling `listener` first.
  void Revoke(PartitionOwnershipListener& listener, const std::vector<int32_t>& partitions) {
    listener.OnPartitionsRevoked(partitions);
    for (int32_t p : partitions) {
      owned_.erase(p);
      paused_.erase(p);
    }
  }
  // The same, during the next Poll() (as Kafka does), before it reads messages.
  void AssignDuringNextPoll(const std::vector<int32_t>& partitions) {
    ownership_changes_.push_back(
        [this, partitions](PartitionOwnershipListener& l) { Assign(l, partitions); });
  }
  void RevokeDuringNextPoll(const std::vector<int32_t>& partitions) {
    ownership_changes_.push_back(
        [this, partitions](PartitionOwnershipListener& l) { Revoke(l, partitions); });
  }

  Result<std::vector<LogMessage>> Poll(size_t max_messages, std::chrono::milliseconds,
                                       PartitionOwnershipListener& listener) override {
    ++polls;
    if (before_poll) before_poll();
    for (auto& change : std::exchange(ownership_changes_, {})) change(listener);
    if (Status failure = poll_failures.Next("poll"); !failure.ok()) return failure;
    std::vector<LogMessage> messages;
    for (int32_t p : owned_) {
      if (paused_.contains(p)) continue;
      const std::vector<LogMessage>& log = partitions_[p];
      if (positions_[p] > static_cast<int64_t>(log.size())) positions_[p] = 0;
      for (int64_t& position = positions_[p];
           position < static_cast<int64_t>(log.size()) && messages.size() < max_messages;
           ++position) {
        messages.push_back(log[position]);
      }
    }
    return messages;
  }

  Status Commit(const std::map<int32_t, int64_t>& next_offsets) override {
    if (Status failure = commit_failures.Next("commit"); !failure.ok()) return failure;
    for (const auto& [p, offset] : next_offsets) {
      if (!owned_.contains(p)) {
        return Status::Error("commit of partition " + std::to_string(p) + " it does not own");
      }
    }
    for (const auto& [p, offset] : next_offsets) committed_[p] = offset;
    commits.push_back(next_offsets);
    return Status::Ok();
  }

  Status Pause() override {
    ++pause_calls;
    paused_ = owned_;
    return Status::Ok();
  }
  Status Resume() override {
    ++resume_calls;
    paused_.clear();
    return Status::Ok();
  }
  bool paused() const { return !paused_.empty(); }

  Status Seek(int32_t partition, int64_t offset) override {
    if (!owned_.contains(partition)) {
      return Status::Error("seek of partition " + std::to_string(partition) + " it does not own");
    }
    positions_[partition] = offset;
    seeks.push_back({partition, offset});
    return Status::Ok();
  }

  Status Close(PartitionOwnershipListener& listener) override {
    Revoke(listener, {owned_.begin(), owned_.end()});
    return Status::Ok();
  }

  // The messages of `partition` now, at their offsets.
  const std::vector<LogMessage>& Messages(int32_t partition) { return partitions_[partition]; }

  std::map<int32_t, int64_t> Lag() override {
    std::map<int32_t, int64_t> lag;
    for (int32_t p : owned_) {
      lag[p] = static_cast<int64_t>(partitions_[p].size()) - positions_[p];
    }
    return lag;
  }

  int64_t CommittedOffset(int32_t partition) const {
    const auto found = committed_.find(partition);
    return found == committed_.end() ? 0 : found->second;
  }

  std::vector<std::map<int32_t, int64_t>> commits;
  std::vector<std::pair<int32_t, int64_t>> seeks;  // (partition, offset)
  InjectedFailures commit_failures;
  InjectedFailures poll_failures;
  int polls = 0;
  int pause_calls = 0;
  int resume_calls = 0;
  // Runs at the start of every Poll(), e.g. to stop a loop or move a clock.
  std::function<void()> before_poll;

 private:
  std::map<int32_t, std::vector<LogMessage>> partitions_;
  std::vector<std::function<void(PartitionOwnershipListener&)>> ownership_changes_;
  std::set<int32_t> owned_;
  std::set<int32_t> paused_;
  std::map<int32_t, int64_t> positions_;
  std::map<int32_t, int64_t> committed_;
};

// Redis `dedup:*` keys, claimed with SET NX GET (TTL ignored).
class FakeDedupStore final : public DedupStore {
 public:
  Result<std::vector<std::optional<std::string>>> Claim(
      std::span<const DedupClaim> claims) override {
    ++calls;
    if (Status failure = failures.Next("dedup claim"); !failure.ok()) return failure;
    std::vector<std::optional<std::string>> stored;
    for (const DedupClaim& claim : claims) {
      const auto [entry, inserted] = positions.emplace(claim.key, claim.value);
      if (!claim.extend.empty()) extended.push_back(claim.extend);
      stored.push_back(inserted ? std::nullopt : std::optional<std::string>(entry->second));
    }
    return stored;
  }

  std::map<std::string, std::string> positions;  // key -> the first claim's value
  std::vector<std::string> extended;             // keys whose TTL a claim restarted
  int calls = 0;
  InjectedFailures failures;
};

// MongoDB `streams` with compare-and-set updates.
class FakeCounterStore final : public CounterStore {
 public:
  Result<StreamStates> Read(std::span<const std::string> stream_ids) override {
    ++read_calls;
    if (Status failure = read_failures.Next("read"); !failure.ok()) return failure;
    StreamStates states;
    for (const std::string& id : stream_ids) {
      if (const auto found = documents.find(id); found != documents.end()) states.insert(*found);
    }
    return states;
  }

  Result<std::vector<UpdateOutcome>> Apply(std::span<const StreamUpdate> updates) override {
    ++apply_calls;
    if (before_apply) before_apply();
    if (Status failure = apply_failures.Next("bulk update"); !failure.ok()) return failure;
    std::vector<UpdateOutcome> outcomes;
    for (const StreamUpdate& update : updates) {
      if (updates_before_error && outcomes.size() == *updates_before_error) {
        updates_before_error.reset();
        return Status::Error("injected failure in the middle of a bulk update");
      }
      outcomes.push_back(ApplyOne(update));
    }
    return outcomes;
  }

  int64_t Likes(const std::string& stream_id) const {
    const auto found = documents.find(stream_id);
    return found == documents.end() ? 0 : found->second.likes;
  }

  StreamStates documents;
  int read_calls = 0;
  int apply_calls = 0;
  InjectedFailures read_failures;
  InjectedFailures apply_failures;
  // When set, the next Apply stops with an error after this many updates.
  std::optional<size_t> updates_before_error;
  // Runs at the start of every Apply, e.g. to play a concurrent writer.
  std::function<void()> before_apply;

 private:
  UpdateOutcome ApplyOne(const StreamUpdate& update) {
    const auto found = documents.find(update.stream_id);
    if (!update.document_exists) {
      if (found != documents.end()) return UpdateOutcome::kStateChanged;  // duplicate key
      StreamState& created = documents[update.stream_id];
      created.likes = update.new_likes;
      for (const WatermarkAdvance& a : update.advances) created.watermarks[a.partition] = a.next;
      created.first_like = update.first_like;
      return UpdateOutcome::kApplied;
    }
    if (found == documents.end() || found->second.likes != update.expected_likes) {
      return UpdateOutcome::kStateChanged;
    }
    StreamState& state = found->second;
    for (const WatermarkAdvance& a : update.advances) {
      const auto wm = state.watermarks.find(a.partition);
      const std::optional<int64_t> current =
          wm == state.watermarks.end() ? std::nullopt : std::optional<int64_t>(wm->second);
      if (current != a.expected) return UpdateOutcome::kStateChanged;
    }
    state.likes += update.likes_to_add;
    for (const WatermarkAdvance& a : update.advances) state.watermarks[a.partition] = a.next;
    if (update.first_like) state.first_like = update.first_like;
    return UpdateOutcome::kApplied;
  }
};

// MongoDB `partition_logs`.
class FakeAnchorStore final : public AnchorStore {
 public:
  Result<std::map<int32_t, PartitionLogRecord>> Read(
      const std::vector<int32_t>& partitions) override {
    ++read_calls;
    if (Status failure = read_failures.Next("anchor read"); !failure.ok()) return failure;
    std::map<int32_t, PartitionLogRecord> found;
    for (int32_t p : partitions) {
      if (const auto record = records.find(p); record != records.end()) found.insert(*record);
    }
    return found;
  }

  Status SaveAnchors(const std::map<int32_t, LogAnchor>& anchors) override {
    if (Status failure = save_failures.Next("anchor save"); !failure.ok()) return failure;
    for (const auto& [p, anchor] : anchors) records[p] = {anchor, std::nullopt};
    return Status::Ok();
  }

  std::map<int32_t, PartitionLogRecord> records;
  int read_calls = 0;
  InjectedFailures read_failures;
  InjectedFailures save_failures;
};

// The log of a FakeEventLog read outside the group: every message is kept, so a
// log starts at 0 unless `start` says otherwise (retention).
class FakeLogReader final : public LogReader {
 public:
  explicit FakeLogReader(FakeEventLog& log) : log_(log) {}

  Result<LogReadout> ReadAt(const std::map<int32_t, int64_t>& offsets) override {
    if (Status failure = failures.Next("log read"); !failure.ok()) return failure;
    LogReadout readout;
    for (const auto& [p, offset] : offsets) {
      if (leaderless.contains(p)) {
        readout.unreadable[p] = "partition " + std::to_string(p) + " has no leader";
        continue;
      }
      const std::vector<LogMessage>& messages = log_.Messages(p);
      LogAtAnchor& view = readout.logs[p];
      view.start = start.contains(p) ? start.at(p) : 0;
      view.end = static_cast<int64_t>(messages.size());
      if (view.start <= offset && offset < view.end) {
        view.digest = MessageDigest(messages[offset].key, messages[offset].value);
      }
    }
    return readout;
  }

  std::map<int32_t, int64_t> start;  // partition -> first readable offset
  std::set<int32_t> leaderless;      // partitions that cannot be read now
  InjectedFailures failures;

 private:
  FakeEventLog& log_;
};

// The dead-letter topic.
class FakeDeadLetterSink final : public DeadLetterSink {
 public:
  Status Send(const DeadLetter& letter) override {
    if (Status failure = failures.Next("dead-letter send"); !failure.ok()) return failure;
    sent.push_back(letter);
    return Status::Ok();
  }

  std::vector<DeadLetter> sent;
  InjectedFailures failures;
};

// The `stream-updates` channel.
class FakeUpdatePublisher final : public UpdatePublisher {
 public:
  Status Publish(std::span<const StreamTotal> totals) override {
    if (Status failure = failures.Next("publish"); !failure.ok()) return failure;
    messages.emplace_back(totals.begin(), totals.end());
    return Status::Ok();
  }
  Status PublishPartitionTotals(std::span<const PartitionTotal> totals) override {
    if (Status failure = failures.Next("publish"); !failure.ok()) return failure;
    partition_messages.emplace_back(totals.begin(), totals.end());
    return Status::Ok();
  }

  std::vector<std::vector<StreamTotal>> messages;
  std::vector<std::vector<PartitionTotal>> partition_messages;
  InjectedFailures failures;
};

// The partition summaries in memory, written with the same compare-and-set rule as
// MongoDB's; its stream documents come from a FakeCounterStore.
class FakePartitionTotalsStore final : public PartitionTotalsStore {
 public:
  explicit FakePartitionTotalsStore(const FakeCounterStore& streams) : streams_(streams) {}

  Result<std::map<int32_t, PartitionTotal>> Read(std::span<const int32_t> partitions) override {
    if (Status failure = failures.Next("read summaries"); !failure.ok()) return failure;
    std::map<int32_t, PartitionTotal> found;
    for (const int32_t p : partitions) {
      if (const auto it = summaries.find(p); it != summaries.end()) found.insert(*it);
    }
    return found;
  }
  Result<size_t> Apply(std::span<const PartitionTotalsUpdate> updates) override {
    if (Status failure = failures.Next("update summaries"); !failure.ok()) return failure;
    size_t matched = 0;
    for (const PartitionTotalsUpdate& update : updates) {
      const auto it = summaries.find(update.next.partition);
      if (it == summaries.end() || it->second.wm != update.expected_wm) continue;
      it->second = update.next;
      ++matched;
    }
    return matched;
  }
  Result<bool> Create(const PartitionTotal& total) override {
    return summaries.try_emplace(total.partition, total).second;
  }
  Result<std::map<int32_t, std::vector<StreamOnPartition>>> StreamsOnPartitions(
      std::span<const int32_t> partitions) override {
    ++stream_reads;
    std::map<int32_t, std::vector<StreamOnPartition>> found;
    for (const int32_t partition : partitions) {
      std::vector<StreamOnPartition>& listed = found[partition];
      for (const auto& [id, state] : streams_.documents) {
        if (state.watermarks.contains(partition)) listed.push_back({state.likes, state.watermarks});
      }
    }
    return found;
  }

  std::map<int32_t, PartitionTotal> summaries;
  InjectedFailures failures;
  int stream_reads = 0;  // calls of StreamsOnPartitions that reached the store

 private:
  const FakeCounterStore& streams_;
};

}  // namespace la::testing
