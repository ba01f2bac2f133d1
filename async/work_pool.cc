#include "async/work_pool.h"

#include <spdlog/spdlog.h>

namespace la::async {

WorkPool::WorkPool(std::string name, size_t threads, size_t max_queued,
                   prometheus::Registry* metrics)
    : name_(std::move(name)), max_queued_(max_queued) {
  if (metrics != nullptr) {
    queued_gauge_ = &metrics->AddGauge("work_pool_queued", "Jobs waiting for a pool thread.")
                         .With({{"pool", name_}});
    rejected_ = &metrics
                     ->AddCounter("work_pool_rejected_total",
                                  "Jobs refused because the pool's queue was full.")
                     .With({{"pool", name_}});
    ran_ =
        &metrics->AddCounter("work_pool_jobs_total", "Jobs the pool ran.").With({{"pool", name_}});
  }
  for (size_t i = 0; i < std::max<size_t>(1, threads); ++i)
    threads_.emplace_back([this] { Work(); });
}

WorkPool::~WorkPool() { Join(); }

bool WorkPool::TryPost(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) {
      if (rejected_ != nullptr && !stopping_) rejected_->Add();
      return false;
    }
    queue_.push_back(std::move(job));
    if (queued_gauge_ != nullptr) queued_gauge_->Set(static_cast<int64_t>(queue_.size()));
  }
  wake_.notify_one();
  return true;
}

void WorkPool::Join() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

size_t WorkPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkPool::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      job = std::move(queue_.front());
      queue_.pop_front();
      if (queued_gauge_ != nullptr) queued_gauge_->Set(static_cast<int64_t>(queue_.size()));
    }
    if (ran_ != nullptr) ran_->Add();
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("{} pool: a job failed: {}", name_, e.what());
    } catch (...) {
      spdlog::error("{} pool: a job failed with a non-standard exception", name_);
    }
  }
}

}  // namespace la::async
