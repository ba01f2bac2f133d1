#include "api/readiness_probe.h"

#include <utility>

namespace la {

ReadinessProbe::ReadinessProbe(Readiness& checks, std::chrono::milliseconds max_age,
                               size_t max_waiting, Clock now)
    : checks_(checks), max_age_(max_age), max_waiting_(max_waiting), now_(std::move(now)) {}

ReadinessProbe::~ReadinessProbe() {
  thread_.Join();
  std::vector<std::function<void(Answer)>> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting.swap(waiting_);
  }
  for (auto& done : waiting) done(std::nullopt);
}

void ReadinessProbe::Get(std::function<void(Answer)> done) {
  std::unique_lock lock(mutex_);
  if (last_ && now_() - checked_at_ < max_age_) {
    Answer fresh = last_;
    lock.unlock();
    return done(std::move(fresh));
  }
  if (waiting_.size() >= max_waiting_) {
    lock.unlock();
    return done(std::nullopt);
  }
  waiting_.push_back(std::move(done));
  if (checking_) return;
  checking_ = true;
  // The pool has one thread and room for one job, and only this starts jobs, one at a
  // time: it refuses only once the probe is being destroyed.
  if (!thread_.TryPost([this] { RunCheck(); })) checking_ = false;
}

void ReadinessProbe::RunCheck() {
  std::vector<DependencyState> states = checks_.Check();
  std::vector<std::function<void(Answer)>> waiting;
  {
    std::lock_guard lock(mutex_);
    last_ = states;
    checked_at_ = now_();
    checking_ = false;
    waiting.swap(waiting_);
  }
  for (auto& done : waiting) done(states);
}

}  // namespace la
