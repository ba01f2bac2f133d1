// Prometheus metrics in the text exposition format: counters, gauges and
// histograms, optionally with labels. Updating a metric is lock-free (atomics);
// creating a labelled child takes a lock once, so callers keep the returned
// reference. Rendering is pure: Registry::Render() returns the /metrics body.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace la::prometheus {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Cumulative histogram over fixed upper bounds (seconds, bytes, counts...).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Count of observations <= each bound, then the total count (the +Inf bucket).
  std::vector<uint64_t> CumulativeCounts() const;
  double Sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // one per bound + Inf
  std::atomic<uint64_t> sum_micros_{0};               // sum in millionths, lock-free
};

// Bounds for request latency in seconds: 0.5 ms .. 10 s.
std::vector<double> LatencyBuckets();

// A metric family: one name, one type, children by label values.
template <typename Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)), help_(std::move(help)), make_(std::move(make)) {}
  // The child with these labels, created on first use. The reference stays valid.
  Metric& With(const Labels& labels = {}) {
    std::lock_guard lock(mutex_);
    auto it = children_.find(labels);
    if (it == children_.end()) it = children_.emplace(labels, make_()).first;
    return *it->second;
  }
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  // Calls fn(labels, metric) for every child, in label order.
  void ForEach(const std::function<void(const Labels&, const Metric&)>& fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : children_) fn(labels, *metric);
  }

 private:
  std::string name_, help_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<Labels, std::unique_ptr<Metric>> children_;
};

class Registry {
 public:
  // Counters and gauges: a second Add with the same name returns the first family (so that
  // several owners, e.g. work pools, can each add their labelled child).
  Family<Counter>& AddCounter(const std::string& name, const std::string& help);
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help);
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> upper_bounds);
  // The text exposition format (version 0.0.4) of every metric.
  std::string Render() const;

 private:
  mutable std::mutex mutex_;
  std::deque<Family<Counter>> counters_;  // deque: references stay valid
  std::deque<Family<Gauge>> gauges_;
  std::deque<Family<Histogram>> histograms_;
};

}  // namespace la::prometheus
