// A fixed set of threads running blocking work (MongoDB calls, password hashing) from a
// bounded queue. When `max_queued` jobs already wait, TryPost refuses the next one at
// once: the caller answers "busy" (HTTP 503 + Retry-After, a Socket.IO ack {error})
// instead of making every later client wait behind a flood. A job that throws is logged
// and dropped; the pool's threads never die of it.
// Thread-safe. Destruction (or Join) runs what is queued, then stops the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/prometheus.h"

namespace la::async {

class WorkPool {
 public:
  // `name` labels the pool in logs and in the metrics, if a registry is given:
  // work_pool_queued{pool}, work_pool_jobs_total{pool} (jobs run) and
  // work_pool_rejected_total{pool}.
  WorkPool(std::string name, size_t threads, size_t max_queued,
           prometheus::Registry* metrics = nullptr);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job`; false (and `job` is destroyed unrun) when the queue is full or the pool
  // has stopped.
  bool TryPost(std::function<void()> job);
  // Runs what is queued, then stops the threads. Later TryPost calls fail.
  void Join();

  const std::string& name() const { return name_; }
  size_t max_queued() const { return max_queued_; }
  size_t queued() const;

 private:
  void Work();

  const std::string name_;
  const size_t max_queued_;
  prometheus::Gauge* queued_gauge_ = nullptr;
  prometheus::Counter* rejected_ = nullptr;
  prometheus::Counter* ran_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace la::async
