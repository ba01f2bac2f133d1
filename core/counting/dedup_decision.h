// Whether a consumed like event is counted or dropped as a duplicate, decided
// from what Redis already holds for its eventId (docs/exactly-once.md, step 2).
//
// Each event claims `dedup:{userId}:{eventId}` with its own Kafka position:
//   SET dedup:{userId}:{eventId} "{partition}:{offset}" NX GET EX <ttl>
// Redis 7 answers nil when the key was absent (the claim is now stored), or the
// value already there. Because the value is the position of the first copy seen,
// a batch replayed after a crash finds its *own* position and is still counted,
// while a true duplicate (a retried request, produced again) finds another one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace la {

// The dedup value of a Kafka position: "{partition}:{offset}", e.g. "3:1042".
std::string FormatPosition(int32_t partition, int64_t offset);

enum class DedupDecision {
  kCount,      // first copy of this eventId (or a replay of that first copy)
  kDuplicate,  // another copy was seen first at a different position
};

// Decides from `stored_position`, the value the claim found (nullopt: the key
// was absent and the claim stored `own_position`).
DedupDecision DecideDedup(const std::optional<std::string>& stored_position,
                          std::string_view own_position);

}  // namespace la
