// Where the consumer records the first Kafka position of each eventId
// (Redis, `dedup:{eventId}`; see core/dedup_decision.h for why a position).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace la {

// "Remember `position` for `event_id` unless a position is already there."
struct DedupClaim {
  std::string event_id;
  std::string position;  // FormatPosition(partition, offset)
};

class DedupStore {
 public:
  virtual ~DedupStore() = default;

  // Runs, in order and in one round trip (a pipeline), for each claim:
  //   SET dedup:{event_id} {position} NX GET EX {ttl}
  // and returns, for each claim in the same order, the position that was
  // already stored, or nullopt when the key was absent and the claim is now
  // stored. Order matters: two copies of an event in one batch must see each
  // other. An error means no answer could be read; claims may still have been
  // stored, which is harmless since claiming again finds the same position.
  virtual Result<std::vector<std::optional<std::string>>> Claim(
      std::span<const DedupClaim> claims) = 0;
};

}  // namespace la
