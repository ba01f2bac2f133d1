// Where the consumer records the first Kafka position of each eventId
// (Redis, `dedup:{userId}:{eventId}`; see core/dedup_decision.h for why a position).
// Keys are scoped to the user: clients choose eventIds, so a global key would
// let one user make another user's like a "duplicate" by sending its id first.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace la {

// "Remember `position` for `event_id` unless a position is already there."
struct DedupClaim {
  std::string user_id;  // the event's userId (the JWT's `id` claim)
  std::string event_id;
  std::string position;  // FormatPosition(partition, offset)
};

// The Redis key of a claim: `dedup:{userId}:{eventId}`. Event ids hold no
// character outside [A-Za-z0-9_.:-]; the event id is last, so a user id
// cannot end inside it unless a user id itself holds ':' (server-made ids do not).
inline std::string DedupKey(const DedupClaim& claim) {
  return "dedup:" + claim.user_id + ":" + claim.event_id;
}

class DedupStore {
 public:
  virtual ~DedupStore() = default;

  // Runs, in order and in one round trip (a pipeline), for each claim:
  //   SET dedup:{user_id}:{event_id} {position} NX GET EX {ttl}
  // and returns, for each claim in the same order, the position that was
  // already stored, or nullopt when the key was absent and the claim is now
  // stored. Order matters: two copies of an event in one batch must see each
  // other. An error means no answer could be read; claims may still have been
  // stored, which is harmless since claiming again finds the same position.
  virtual Result<std::vector<std::optional<std::string>>> Claim(
      std::span<const DedupClaim> claims) = 0;
};

}  // namespace la
