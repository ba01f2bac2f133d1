#include "tools/loadgen/arrival_schedule.h"

#include <cmath>

namespace la {

ArrivalSchedule::ArrivalSchedule(LoadClock::time_point start, double rate,
                                 LoadClock::time_point end)
    : start_(start), rate_(rate), end_(end) {
  if (rate_ > 0 && end_ > start_) {
    const double span_s = std::chrono::duration<double>(end_ - start_).count();
    total_ = static_cast<uint64_t>(std::ceil(span_s * rate_));
    // Floating point may put the last one at `end` itself; it must be before.
    while (total_ > 0 && DueTime(total_ - 1) >= end_) --total_;
  }
}

LoadClock::time_point ArrivalSchedule::DueTime(uint64_t index) const {
  const auto offset = std::chrono::duration<double>(static_cast<double>(index) / rate_);
  return start_ + std::chrono::duration_cast<LoadClock::duration>(offset);
}

std::optional<LoadClock::time_point> ArrivalSchedule::Claim(LoadClock::time_point now) {
  if (now >= end_ || claimed_ >= total_) return std::nullopt;
  return DueTime(claimed_++);
}

}  // namespace la
