// The likes one load-generator connection sends: mostly fresh, unique eventIds
// on a stream chosen by a StreamPopularity, and with probability
// `duplicate_ratio` a re-send of a (streamId, eventId) pair this source produced
// earlier — what a client retry looks like, so the system's dedup is exercised.
//
// It also tells which accepted likes are distinct, so the load generator can
// report the exact number of likes the pipeline must count per stream. That
// bookkeeping assumes one request in flight per source (a closed loop): the
// outcome of a like is recorded before the next one is drawn.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/status.h"
#include "tools/loadgen/stream_popularity.h"

namespace la {

// One like about to be sent.
struct PlannedLike {
  size_t stream_rank = 0;     // index of the stream in the popularity distribution
  std::string event_id;       // "<prefix><sequence>"
  uint64_t sequence = 0;      // which fresh like this is, or re-sends
  bool is_duplicate = false;  // true when this re-sends an earlier eventId
};

class LikeEventSource {
 public:
  // How many recent fresh likes a duplicate is drawn from.
  static constexpr size_t kRememberedLikes = 1024;

  // `popularity` must outlive the source. `event_id_prefix` must make the ids
  // unique across sources and runs (e.g. "lg5f3a9c-c7-"); it fails when the
  // prefix plus a 20-digit sequence is not a valid eventId, or when
  // duplicate_ratio is outside [0, 1]. The same seed gives the same likes.
  static Result<LikeEventSource> Create(const StreamPopularity& popularity,
                                        std::string event_id_prefix, double duplicate_ratio,
                                        uint64_t seed);

  // Draws the next like to send.
  PlannedLike Next();

  // Records that the server accepted `like` (HTTP 202). Returns true when this
  // is the first acceptance of its eventId — a like the pipeline must count —
  // and false for an accepted re-send of an already accepted eventId.
  bool RecordAccepted(const PlannedLike& like);

 private:
  // A fresh like this source sent recently.
  struct SentLike {
    size_t stream_rank = 0;
    uint64_t sequence = 0;
    bool accepted = false;
  };

  LikeEventSource(const StreamPopularity& popularity, std::string event_id_prefix,
                  double duplicate_ratio, uint64_t seed);
  PlannedLike Planned(const SentLike& sent, bool is_duplicate) const;

  const StreamPopularity* popularity_;
  std::string event_id_prefix_;
  double duplicate_ratio_;
  std::mt19937_64 random_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  uint64_t fresh_count_ = 0;
  // A ring: the fresh like with sequence q lives at q % kRememberedLikes.
  std::vector<SentLike> recent_;
};

}  // namespace la
