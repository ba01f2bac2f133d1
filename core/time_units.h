// Durations in milliseconds, the unit of every timestamp here: the widths of the minute and
// hour buckets that likes (core/counting/like_history.h) and viewers
// (core/viewers/viewer_history.h) are kept in over time.
#pragma once

#include <cstdint>

namespace la {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 3'600'000;

}  // namespace la
