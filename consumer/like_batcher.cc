#include "consumer/like_batcher.h"

#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "core/counting/dedup_decision.h"
#include "core/counting/like_event.h"

namespace la {
namespace {

// The distinct stream ids of `events`.
std::vector<std::string> StreamIdsOf(const std::vector<ClassifiedEvent>& events) {
  std::set<std::string> ids;
  for (const ClassifiedEvent& event : events) ids.insert(event.stream_id);
  return {ids.begin(), ids.end()};
}

// The events of `events` whose stream is in `stream_ids`.
std::vector<ClassifiedEvent> EventsOfStreams(std::vector<ClassifiedEvent> events,
                                             const std::set<std::string>& stream_ids) {
  std::erase_if(
      events, [&](const ClassifiedEvent& event) { return !stream_ids.contains(event.stream_id); });
  return events;
}

}  // namespace

LikeBatcher::LikeBatcher(EventLog& log, DedupStore& dedup, CounterStore& counters,
                         DeadLetterSink& dead_letters, UpdatePublisher& publisher,
                         LikeBatcherOptions options)
    : log_(log),
      dedup_(dedup),
      counters_(counters),
      dead_letters_(dead_letters),
      publisher_(publisher),
      options_(std::move(options)) {}

void LikeBatcher::Add(const LogMessage& message, Clock::time_point now) {
  const auto owned = owned_.find(message.partition);
  if (owned == owned_.end() || message.offset <= owned->second.last_offset) {
    ++metrics_.messages_ignored;
    return;
  }
  PartitionBuffer& buffer = owned->second;
  Result<LikeEvent> event = ParseLikeEvent(message.value);
  if (event.ok()) {
    buffer.events.push_back({message.offset, std::move(event->event_id),
                             std::move(event->stream_id), event->timestamp_ms,
                             std::move(event->user_id)});
  } else {
    buffer.unsent_dead_letters.push_back({message, event.status().message()});
  }
  buffer.last_offset = message.offset;
  ++buffer.messages;
  ++buffered_messages_;
  ++metrics_.messages_buffered;
  if (!first_buffered_at_) first_buffered_at_ = now;
}

bool LikeBatcher::ShouldFlush(Clock::time_point now) const {
  if (buffered_messages_ == 0) return false;
  return buffered_messages_ >= options_.max_batch_messages ||
         now - *first_buffered_at_ >= options_.flush_interval;
}

FlushResult LikeBatcher::Flush() {
  if (buffered_messages_ == 0) return {};
  Result<CountedFlush> counted = CountAndCommit();
  if (!counted.ok()) {
    ++metrics_.flushes_failed;
    return {FlushResult::Outcome::kFailed, counted.status()};
  }
  if (!counted->committed) {
    ++metrics_.flushes_incomplete;
    return {FlushResult::Outcome::kIncomplete, Status::Error(counted->progress)};
  }
  ++metrics_.flushes_completed;
  metrics_.duplicates_dropped += counted->duplicates;
  metrics_.last_flush_messages = buffered_messages_;
  FlushResult result;
  result.messages = buffered_messages_;
  ClearBuffers();

  if (!counted->totals.empty()) {
    if (Status published = publisher_.Publish(counted->totals); !published.ok()) {
      result.published = Status::Error("flush committed, but publishing the totals of " +
                                       std::to_string(counted->totals.size()) +
                                       " streams failed: " + published.message());
    }
  }
  if (!counted->partition_totals.empty() && result.published.ok()) {
    if (Status published = publisher_.PublishPartitionTotals(counted->partition_totals);
        !published.ok()) {
      result.published = Status::Error("flush committed, but publishing " +
                                       std::to_string(counted->partition_totals.size()) +
                                       " partition summaries failed: " + published.message());
    }
  }
  return result;
}

// Steps 1-4 of the file comment; stops at the first failure, before the commit.
Result<LikeBatcher::CountedFlush> LikeBatcher::CountAndCommit() {
  if (Status sent = SendDeadLetters(); !sent.ok()) return sent;
  Result<std::vector<ClassifiedEvent>> events = ClaimEvents();
  if (!events.ok()) return events.status();
  Result<AppliedCounts> applied = ApplyCounts(*events);
  if (!applied.ok()) return applied.status();
  if (!applied->complete) {
    CountedFlush stopped;
    stopped.progress = "flush stopped after " +
                       std::to_string(options_.max_flush_duration.count()) + " ms with " +
                       std::to_string(applied->applied_updates) + " of " +
                       std::to_string(applied->planned_updates) +
                       " stream updates applied; nothing committed, it goes on after a poll";
    return stopped;
  }

  Result<std::vector<PartitionTotal>> summaries =
      UpdatePartitionTotals(*events, applied->first_likes);
  if (!summaries.ok()) return summaries.status();

  if (options_.before_commit_for_testing) options_.before_commit_for_testing();
  const std::map<int32_t, int64_t> next_offsets = NextOffsets();
  if (Status commit = log_.Commit(next_offsets); !commit.ok()) {
    return Status::Error("committing the offsets of " + std::to_string(next_offsets.size()) +
                         " partitions failed: " + commit.message());
  }
  const auto duplicates = std::count_if(
      events->begin(), events->end(),
      [](const ClassifiedEvent& e) { return e.decision == DedupDecision::kDuplicate; });
  return CountedFlush{true, std::move(applied->totals), std::move(*summaries),
                      static_cast<uint64_t>(duplicates), ""};
}

Status LikeBatcher::SendDeadLetters() {
  for (auto& [partition, buffer] : owned_) {
    auto& letters = buffer.unsent_dead_letters;
    while (!letters.empty()) {
      Status sent = dead_letters_.Send(letters.front());
      if (!sent.ok()) {
        return Status::Error("dead-lettering message " +
                             FormatPosition(partition, letters.front().original.offset) +
                             " failed: " + sent.message());
      }
      letters.erase(letters.begin());
      ++metrics_.dead_lettered;
    }
  }
  return Status::Ok();
}

Result<std::vector<ClassifiedEvent>> LikeBatcher::ClaimEvents() {
  std::vector<DedupClaim> claims;
  std::vector<ClassifiedEvent> events;
  std::vector<const PendingEvent*> pending_of;  // of events[i]
  std::vector<std::string> positions;           // of events[i]
  for (const auto& [partition, buffer] : owned_) {
    for (const PendingEvent& pending : buffer.events) {
      positions.push_back(FormatPosition(partition, pending.offset));
      claims.push_back({DedupKey(pending.user_id, pending.event_id),
                        EventIdClaimValue(positions.back(), pending.stream_id)});
      events.push_back({partition, pending.offset, pending.stream_id, DedupDecision::kCount,
                        pending.timestamp_ms});
      pending_of.push_back(&pending);
    }
  }
  if (claims.empty()) return events;
  // How close this batch is to the end of the dedup window.
  int64_t oldest_ms = events.front().timestamp_ms;
  for (const ClassifiedEvent& event : events) oldest_ms = std::min(oldest_ms, event.timestamp_ms);
  metrics_.oldest_claimed_event_age_ms = std::max<int64_t>(0, options_.wall_clock_ms() - oldest_ms);

  Result<std::vector<std::optional<std::string>>> stored = ClaimAll(claims);
  if (!stored.ok()) return stored.status();
  // Likes whose eventId the user first used on another stream: likes of their own,
  // claimed again under their stream's key, in a second round trip.
  std::vector<size_t> on_other_streams;
  std::vector<DedupClaim> stream_claims;
  for (size_t i = 0; i < events.size(); ++i) {
    events[i].decision = DecideDedup((*stored)[i], positions[i], events[i].stream_id);
    if (events[i].decision != DedupDecision::kClaimOnItsStream) continue;
    on_other_streams.push_back(i);
    stream_claims.push_back(
        {StreamDedupKey(pending_of[i]->user_id, pending_of[i]->event_id, events[i].stream_id),
         positions[i], claims[i].key});
  }
  if (stream_claims.empty()) return events;
  Result<std::vector<std::optional<std::string>>> stream_stored = ClaimAll(stream_claims);
  if (!stream_stored.ok()) return stream_stored.status();
  for (size_t j = 0; j < on_other_streams.size(); ++j) {
    ClassifiedEvent& event = events[on_other_streams[j]];
    event.decision = DecideDedup((*stream_stored)[j], stream_claims[j].value, event.stream_id);
  }
  return events;
}

Result<std::vector<std::optional<std::string>>> LikeBatcher::ClaimAll(
    std::span<const DedupClaim> claims) {
  Result<std::vector<std::optional<std::string>>> stored = dedup_.Claim(claims);
  if (!stored.ok()) {
    return Status::Error("claiming " + std::to_string(claims.size()) +
                         " event ids for dedup failed: " + stored.status().message());
  }
  if (stored->size() != claims.size()) {
    return Status::Error("dedup store answered " + std::to_string(stored->size()) + " of " +
                         std::to_string(claims.size()) + " claims");
  }
  return stored;
}

// Reads, plans and applies until every touched stream is settled: its update
// applied, or nothing left to apply. Streams whose documents changed between
// the read and the write are retried with their own events only.
Result<LikeBatcher::AppliedCounts> LikeBatcher::ApplyCounts(std::vector<ClassifiedEvent> events) {
  const auto deadline = options_.now() + options_.max_flush_duration;
  AppliedCounts applied;
  for (int attempt = 1; !events.empty(); ++attempt) {
    if (attempt > options_.max_apply_attempts) {
      return Status::Error(std::to_string(StreamIdsOf(events).size()) +
                           " stream documents, e.g. \"" + events.front().stream_id +
                           "\", changed under every one of " +
                           std::to_string(options_.max_apply_attempts) +
                           " attempts to update them; the flush will be retried");
    }
    const std::vector<std::string> stream_ids = StreamIdsOf(events);
    Result<StreamStates> states = counters_.Read(stream_ids);
    if (!states.ok()) {
      return Status::Error("reading " + std::to_string(stream_ids.size()) +
                           " stream documents failed: " + states.status().message());
    }
    const FlushPlan plan = PlanFlush(events, *states, options_.wall_clock_ms());
    if (attempt == 1) applied.planned_updates = plan.updates.size();

    std::set<std::string> changed;
    Result<size_t> done = ApplySlices(plan.updates, deadline, changed);
    if (!done.ok()) return done.status();
    applied.applied_updates += *done - changed.size();
    if (*done < plan.updates.size()) return applied;  // out of time; complete stays false

    for (const StreamTotal& total : plan.totals) {
      if (!changed.contains(total.stream_id)) applied.totals.push_back(total);
    }
    for (const StreamUpdate& update : plan.updates) {
      if (update.first_like && !changed.contains(update.stream_id))
        applied.first_likes[update.stream_id] = *update.first_like;
    }
    for (const auto& [stream_id, state] : *states) {
      if (state.first_like && !changed.contains(stream_id))
        applied.first_likes.try_emplace(stream_id, *state.first_like);
    }
    metrics_.update_conflicts += changed.size();
    events = EventsOfStreams(std::move(events), changed);
  }
  std::sort(applied.totals.begin(), applied.totals.end(),
            [](const StreamTotal& a, const StreamTotal& b) { return a.stream_id < b.stream_id; });
  applied.complete = true;
  return applied;
}

Result<std::vector<PartitionTotal>> LikeBatcher::UpdatePartitionTotals(
    const std::vector<ClassifiedEvent>& events,
    const std::map<std::string, LikePosition>& first_likes) {
  std::vector<PartitionTotal> moved;
  if (options_.partition_totals == nullptr) return moved;
  std::map<int32_t, int64_t> last_offsets;
  std::vector<int32_t> partitions;
  for (const auto& [partition, buffer] : owned_) {
    if (buffer.messages == 0) continue;
    last_offsets[partition] = buffer.last_offset;
    partitions.push_back(partition);
  }
  Result<std::map<int32_t, PartitionTotal>> summaries = options_.partition_totals->Read(partitions);
  if (!summaries.ok()) {
    return Status::Error("reading the summaries of " + std::to_string(partitions.size()) +
                         " partitions failed: " + summaries.status().message());
  }
  const std::vector<PartitionTotalsUpdate> updates =
      PlanPartitionTotals(events, last_offsets, first_likes, *summaries);
  Result<size_t> matched = options_.partition_totals->Apply(updates);
  if (!matched.ok()) {
    return Status::Error("updating " + std::to_string(updates.size()) +
                         " partition summaries failed: " + matched.status().message());
  }
  if (*matched != updates.size()) {
    return Status::Error(std::to_string(updates.size() - *matched) + " of " +
                         std::to_string(updates.size()) +
                         " partition summaries changed under this consumer (did another one "
                         "take the partitions?); the flush will be retried");
  }
  for (const PartitionTotalsUpdate& update : updates) moved.push_back(update.next);

  std::vector<int32_t> without_summary;
  for (const auto& [partition, last_offset] : last_offsets) {
    if (!summaries->contains(partition)) without_summary.push_back(partition);
  }
  if (without_summary.empty()) return moved;
  Result<std::vector<PartitionTotal>> created = CreateFirstSummaries(without_summary, last_offsets);
  if (!created.ok()) return created.status();
  moved.insert(moved.end(), created->begin(), created->end());
  return moved;
}

Result<std::vector<PartitionTotal>> LikeBatcher::CreateFirstSummaries(
    const std::vector<int32_t>& partitions, const std::map<int32_t, int64_t>& last_offsets) {
  Result<std::map<int32_t, std::vector<StreamOnPartition>>> streams =
      options_.partition_totals->StreamsOnPartitions(partitions);
  if (!streams.ok()) {
    return Status::Error(
        "reading the streams of " + std::to_string(partitions.size()) +
        " partitions for their first summaries failed: " + streams.status().message());
  }
  std::vector<PartitionTotal> created;
  for (const int32_t partition : partitions) {
    const int64_t last_offset = last_offsets.at(partition);
    const std::optional<PartitionTotal> first =
        PlanBackfill(partition, last_offset, streams->at(partition));
    if (!first) {
      spdlog::info(
          "partition {}: a stream document is ahead of offset {}; its first summary "
          "waits for a flush that has caught up",
          partition, last_offset);
      continue;
    }
    Result<bool> stored = options_.partition_totals->Create(*first);
    if (!stored.ok()) {
      return Status::Error("creating the summary of partition " + std::to_string(partition) +
                           " failed: " + stored.status().message());
    }
    if (*stored) {
      spdlog::info("partition {}: first summary from {} stream documents: {} likes, {} streams",
                   partition, streams->at(partition).size(), first->likes, first->streams);
      created.push_back(*first);
    }
  }
  return created;
}

Result<size_t> LikeBatcher::ApplySlices(const std::vector<StreamUpdate>& updates,
                                        std::chrono::steady_clock::time_point deadline,
                                        std::set<std::string>& changed) {
  const size_t slice = std::max<size_t>(1, options_.updates_per_apply);
  size_t done = 0;
  while (done < updates.size()) {
    const size_t end = std::min(updates.size(), done + slice);
    const std::span<const StreamUpdate> part(updates.data() + done, end - done);
    Result<std::vector<UpdateOutcome>> outcomes = counters_.Apply(part);
    if (!outcomes.ok()) {
      return Status::Error("updating " + std::to_string(part.size()) +
                           " stream documents failed: " + outcomes.status().message());
    }
    if (outcomes->size() != part.size()) {
      return Status::Error("counter store answered " + std::to_string(outcomes->size()) + " of " +
                           std::to_string(part.size()) + " updates");
    }
    for (size_t i = 0; i < part.size(); ++i) {
      if ((*outcomes)[i] == UpdateOutcome::kApplied) {
        metrics_.likes_counted += part[i].likes_to_add;
      } else {
        changed.insert(part[i].stream_id);
      }
    }
    done = end;
    if (done < updates.size() && options_.now() >= deadline) break;
  }
  return done;
}

std::map<int32_t, int64_t> LikeBatcher::NextOffsets() const {
  std::map<int32_t, int64_t> next_offsets;
  for (const auto& [partition, buffer] : owned_) {
    if (buffer.messages > 0) next_offsets[partition] = buffer.last_offset + 1;
  }
  return next_offsets;
}

void LikeBatcher::ClearBuffers() {
  for (auto& [partition, buffer] : owned_) {
    buffer.events.clear();
    buffer.unsent_dead_letters.clear();
    buffer.messages = 0;
  }
  buffered_messages_ = 0;
  first_buffered_at_.reset();
}

void LikeBatcher::OnPartitionsAssigned(const std::vector<int32_t>& partitions) {
  // Consumption restarts at the committed offsets: anything still buffered for
  // these partitions (there should be nothing) would be delivered again.
  Forget(partitions);
  for (int32_t partition : partitions) owned_.emplace(partition, PartitionBuffer{});
}

void LikeBatcher::OnPartitionsRevoked(const std::vector<int32_t>& partitions) {
  const bool holds_their_messages =
      std::any_of(partitions.begin(), partitions.end(), [&](int32_t partition) {
        const auto owned = owned_.find(partition);
        return owned != owned_.end() && owned->second.messages > 0;
      });
  const FlushResult flushed = holds_their_messages ? Flush() : FlushResult{};
  const size_t dropped = Forget(partitions);
  if (!flushed.committed()) {
    spdlog::warn(
        "giving up partitions {} after a flush that did not commit ({}); their {} uncommitted "
        "messages are left to the next owner",
        fmt::join(partitions, ","), flushed.status.message(), dropped);
  } else if (!flushed.published.ok()) {
    spdlog::warn("{}", flushed.published.message());
  }
}

void LikeBatcher::OnPartitionsLost(const std::vector<int32_t>& partitions) { Forget(partitions); }

// Stops owning `partitions`; their buffered messages are dropped uncommitted,
// to be replayed by whoever owns them next. Returns how many were dropped.
size_t LikeBatcher::Forget(const std::vector<int32_t>& partitions) {
  size_t dropped = 0;
  for (int32_t partition : partitions) {
    const auto owned = owned_.find(partition);
    if (owned == owned_.end()) continue;
    dropped += owned->second.messages;
    owned_.erase(owned);
  }
  buffered_messages_ -= dropped;
  metrics_.messages_dropped_on_rebalance += dropped;
  if (buffered_messages_ == 0) first_buffered_at_.reset();
  return dropped;
}

}  // namespace la
