#include "tools/loadgen/like_event_source.h"

#include <algorithm>
#include <utility>

#include "core/counting/like_event.h"

namespace la {

Result<LikeEventSource> LikeEventSource::Create(const StreamPopularity& popularity,
                                                std::string event_id_prefix, double duplicate_ratio,
                                                uint64_t seed) {
  const std::string longest_id = event_id_prefix + std::to_string(UINT64_MAX);
  if (Status valid = CheckEventId(longest_id); !valid.ok()) {
    return Status::Error("the eventId prefix \"" + event_id_prefix +
                         "\" does not make valid eventIds: " + valid.message());
  }
  if (!(duplicate_ratio >= 0.0 && duplicate_ratio <= 1.0)) {
    return Status::Error("the duplicate ratio must be between 0 and 1, got " +
                         std::to_string(duplicate_ratio));
  }
  return LikeEventSource(popularity, std::move(event_id_prefix), duplicate_ratio, seed);
}

LikeEventSource::LikeEventSource(const StreamPopularity& popularity, std::string event_id_prefix,
                                 double duplicate_ratio, uint64_t seed)
    : popularity_(&popularity),
      event_id_prefix_(std::move(event_id_prefix)),
      duplicate_ratio_(duplicate_ratio),
      random_(seed),
      recent_(kRememberedLikes) {}

PlannedLike LikeEventSource::Next() {
  if (fresh_count_ > 0 && unit_(random_) < duplicate_ratio_) {
    const uint64_t remembered = std::min<uint64_t>(fresh_count_, kRememberedLikes);
    const uint64_t back = std::uniform_int_distribution<uint64_t>(1, remembered)(random_);
    const uint64_t sequence = fresh_count_ - back;
    return Planned(recent_[sequence % kRememberedLikes], /*is_duplicate=*/true);
  }
  const uint64_t sequence = fresh_count_++;
  SentLike& sent = recent_[sequence % kRememberedLikes];
  sent = {popularity_->Pick(unit_(random_)), sequence, false};
  return Planned(sent, /*is_duplicate=*/false);
}

bool LikeEventSource::RecordAccepted(const PlannedLike& like) {
  SentLike& sent = recent_[like.sequence % kRememberedLikes];
  // With one request in flight the slot still holds this like; guard anyway.
  if (sent.sequence != like.sequence || sent.accepted) return false;
  sent.accepted = true;
  return true;
}

PlannedLike LikeEventSource::Planned(const SentLike& sent, bool is_duplicate) const {
  return {sent.stream_rank, event_id_prefix_ + std::to_string(sent.sequence), sent.sequence,
          is_duplicate};
}

}  // namespace la
