#include "consumer/cached_counter_store.h"

#include <utility>

namespace la {

CachedCounterStore::CachedCounterStore(CounterStore& store, size_t max_streams)
    : store_(store), max_streams_(max_streams) {}

Result<StreamStates> CachedCounterStore::Read(std::span<const std::string> stream_ids) {
  StreamStates states;
  std::vector<std::string> unknown;
  for (const std::string& id : stream_ids) {
    if (const auto found = states_.find(id); found != states_.end()) {
      states.insert(*found);
    } else {
      unknown.push_back(id);
    }
  }
  if (unknown.empty()) return states;
  Result<StreamStates> read = store_.Read(unknown);
  if (!read.ok()) return read.status();
  for (auto& [id, state] : *read) {
    Remember(id, state);
    states.emplace(id, std::move(state));
  }
  return states;
}

Result<std::vector<UpdateOutcome>> CachedCounterStore::Apply(
    std::span<const StreamUpdate> updates) {
  // Whatever happens, the states these updates were planned on are out of date:
  // take them out now, and put back only what an applied update produced.
  std::vector<StreamState> planned_on;
  planned_on.reserve(updates.size());
  for (const StreamUpdate& update : updates) {
    auto node = states_.extract(update.stream_id);
    planned_on.push_back(node ? std::move(node.mapped()) : StreamState{});
  }
  Result<std::vector<UpdateOutcome>> outcomes = store_.Apply(updates);
  if (!outcomes.ok() || outcomes->size() != updates.size()) return outcomes;
  for (size_t i = 0; i < updates.size(); ++i) {
    if ((*outcomes)[i] != UpdateOutcome::kApplied) continue;
    // The update matched only the likes and watermarks it was planned on, so the
    // document now holds the planned likes, the moved watermarks and the history
    // buckets as changed. The other watermarks stay as read; an update compares
    // every watermark it moves, so a stale one there can only make a later update
    // miss, never count twice.
    StreamState state = std::move(planned_on[i]);
    state.likes = updates[i].new_likes;
    for (const WatermarkAdvance& advance : updates[i].advances) {
      state.watermarks[advance.partition] = advance.next;
    }
    ApplyHistoryChange(updates[i].history, state.history);
    if (updates[i].first_like) state.first_like = updates[i].first_like;
    Remember(updates[i].stream_id, std::move(state));
  }
  return outcomes;
}

void CachedCounterStore::Remember(const std::string& stream_id, StreamState state) {
  if (states_.size() >= max_streams_ && !states_.contains(stream_id)) states_.clear();
  states_[stream_id] = std::move(state);
}

}  // namespace la
