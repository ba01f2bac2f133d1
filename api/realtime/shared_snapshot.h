// Shares one MongoDB read of the top streams between the dashboards that connect at
// about the same time, so that a reconnect storm of thousands of dashboards (an api
// node restart, a network blip) costs a couple of queries and at most one job in the
// bounded read pool at a time, not thousands.
//
// A dashboard may only get a read that started after it asked: every update published
// since then is held by the LikeFeed and folded into the snapshot, so a shared snapshot
// is never staler than a private one would be. Dashboards that asked while no read was
// queued join the next one; a read whose dashboards have all left is skipped.
// Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "async/work_pool.h"
#include "core/counting/stream_total.h"
#include "core/status.h"

namespace la {

class SharedSnapshot {
 public:
  using Snapshot = Result<std::vector<StreamTotal>>;
  // The blocking read (ReadTopStreams).
  using Read = std::function<Snapshot()>;
  // Whether the dashboard still wants its snapshot; what to do with it.
  using Wanted = std::function<bool()>;
  using Deliver = std::function<void(const Snapshot&)>;

  SharedSnapshot(Read read, async::WorkPool& pool) : read_(std::move(read)), pool_(pool) {}

  // Queues `deliver` for the next read, on the pool; if the pool's queue is full, it is
  // called at once with an error. `deliver` runs on a pool thread (or the caller's).
  void Request(Wanted wanted, Deliver deliver);

 private:
  struct Waiter {
    Wanted wanted;
    Deliver deliver;
  };
  // The pool job: takes the waiting dashboards, reads once, answers them all.
  void ReadForWaiting();

  const Read read_;
  async::WorkPool& pool_;
  std::mutex mutex_;
  std::vector<Waiter> waiting_;
  bool read_queued_ = false;  // a ReadForWaiting job is in the pool's queue
};

}  // namespace la
