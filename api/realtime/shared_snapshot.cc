#include "api/realtime/shared_snapshot.h"

#include <algorithm>

namespace la {

void SharedSnapshot::Request(Wanted wanted, Deliver deliver) {
  {
    std::lock_guard lock(mutex_);
    waiting_.push_back({std::move(wanted), std::move(deliver)});
    if (read_queued_) return;
    read_queued_ = true;
  }
  if (pool_.TryPost([this] { ReadForWaiting(); })) return;
  std::vector<Waiter> refused;
  {
    std::lock_guard lock(mutex_);
    refused.swap(waiting_);
    read_queued_ = false;
  }
  const Snapshot busy =
      Status::Error("the server is busy (the " + pool_.name() + " queue is full)");
  for (const Waiter& waiter : refused) waiter.deliver(busy);
}

void SharedSnapshot::ReadForWaiting() {
  std::vector<Waiter> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(waiting_);
    read_queued_ = false;  // who asks from now on needs a read that starts after this one
  }
  std::erase_if(batch, [](const Waiter& waiter) { return !waiter.wanted(); });
  if (batch.empty()) return;
  Snapshot snapshot = Status::Error("the read failed");
  try {
    snapshot = read_();
  } catch (const std::exception& e) {
    snapshot = Status::Error(std::string("the read failed: ") + e.what());
  }
  for (const Waiter& waiter : batch) waiter.deliver(snapshot);
}

}  // namespace la
