#include "api/realtime/shared_snapshot.h"

#include "api/realtime/like_totals.h"

namespace la {

Result<std::vector<StreamTotal>> SharedSnapshot::Read(Clock::time_point registered_at) {
  std::lock_guard lock(mutex_);
  if (last_ && last_started_ >= registered_at) return *last_;
  const Clock::time_point started = Clock::now();
  Result<std::vector<StreamTotal>> snapshot = ReadTopStreams(mongo_, limit_);
  if (snapshot.ok()) {
    last_ = *snapshot;
    last_started_ = started;
  }
  return snapshot;
}

}  // namespace la
