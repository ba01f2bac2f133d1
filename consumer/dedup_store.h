// Where the consumer records the first Kafka position of each like's eventId (Redis;
// the keys and values are core/counting/dedup_decision.h's). Keys are scoped to the
// user: clients choose eventIds, so a global key would let one user make another
// user's like a "duplicate" by sending its id first.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace la {

// "Store `value` under `key` unless a value is already there."
struct DedupClaim {
  std::string key;    // DedupKey or StreamDedupKey
  std::string value;  // EventIdClaimValue or FormatPosition
  // If set, a key whose time to live restarts with this claim. A StreamDedupKey claim
  // names its event's DedupKey here: were that key to expire before the stream key, the
  // stream's next copy would find it absent and be counted again.
  std::string extend;
};

class DedupStore {
 public:
  virtual ~DedupStore() = default;

  // Runs, in order and in one round trip (a pipeline), for each claim:
  //   SET {key} {value} NX GET EX {ttl}    and, if `extend` is set,  EXPIRE {extend} {ttl}
  // and returns, for each claim in the same order, the value that was already
  // stored, or nullopt when the key was absent and the claim is now stored.
  // Order matters: two copies of an event in one batch must see each other. An
  // error means no answer could be read; claims may still have been stored, which
  // is harmless since claiming again finds the same value.
  virtual Result<std::vector<std::optional<std::string>>> Claim(
      std::span<const DedupClaim> claims) = 0;
};

}  // namespace la
