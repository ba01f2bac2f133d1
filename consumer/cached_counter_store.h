// A CounterStore that remembers the state of the stream documents it read or
// wrote, so that a flush reads from the server only the streams it has not
// seen yet. A consumer owns its partitions' streams, so after its first flush
// its reads are nearly all answered from memory.
//
// A remembered state can be stale (another consumer wrote the document, e.g.
// after a rebalance); that is safe because every update is a compare-and-set on
// the state it was planned on: a stale state makes the update miss
// (kStateChanged), the entry is forgotten, and the batcher re-reads and
// re-plans that stream. It also relies on watermarks only growing: a stale
// watermark is never above the stored one, so it never skips a like. A re-base
// (`la-admin partitions rebase`) lowers watermarks; so the consumer calls Clear()
// whenever it is given partitions (consumer/anchored_event_log.h). At most `max_streams` states are
// kept; past that the memory is cleared and refilled. Not thread-safe: used from the polling thread
// only.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "consumer/counter_store.h"

namespace la {

class CachedCounterStore final : public CounterStore {
 public:
  // `store` must outlive this object.
  CachedCounterStore(CounterStore& store, size_t max_streams);

  // Remembered states, plus one read of `store` for the streams not remembered.
  Result<StreamStates> Read(std::span<const std::string> stream_ids) override;

  // Applies through `store`; remembers the state each applied update produced
  // and forgets the streams whose update missed or whose outcome is unknown.
  Result<std::vector<UpdateOutcome>> Apply(std::span<const StreamUpdate> updates) override;

  // Forgets every remembered state (e.g. when partition ownership changes).
  void Clear() { states_.clear(); }

  size_t remembered_streams() const { return states_.size(); }

 private:
  void Remember(const std::string& stream_id, StreamState state);

  CounterStore& store_;
  size_t max_streams_;
  StreamStates states_;
};

}  // namespace la
