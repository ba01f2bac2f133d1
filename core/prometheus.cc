#include "core/prometheus.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace la::prometheus {
namespace {

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string FormatLabels(const Labels& labels, const std::string& extra_name = "",
                         const std::string& extra_value = "") {
  Labels all = labels;
  if (!extra_name.empty()) all.emplace_back(extra_name, extra_value);
  if (all.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < all.size(); ++i) {
    if (i) out += ",";
    out += all[i].first + "=\"" + EscapeLabelValue(all[i].second) + "\"";
  }
  return out + "}";
}

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::ostringstream out;
  out.precision(10);
  out << v;
  return out.str();
}

void Header(std::ostringstream& out, const std::string& name, const std::string& help,
            const char* type) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) {
  const size_t index = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::max(0.0, value) * 1e6),
                        std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts[i] = running;
  }
  return counts;
}

double Histogram::Sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

namespace {

// The family called `name` in `families`, if there is one.
template <typename Family>
Family* Find(std::deque<Family>& families, const std::string& name) {
  for (Family& family : families) {
    if (family.name() == name) return &family;
  }
  return nullptr;
}

}  // namespace

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  if (Family<Counter>* existing = Find(counters_, name)) return *existing;
  return counters_.emplace_back(name, help, [] { return std::make_unique<Counter>(); });
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  if (Family<Gauge>* existing = Find(gauges_, name)) return *existing;
  return gauges_.emplace_back(name, help, [] { return std::make_unique<Gauge>(); });
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<double> upper_bounds) {
  std::lock_guard lock(mutex_);
  return histograms_.emplace_back(name, help, [bounds = std::move(upper_bounds)] {
    return std::make_unique<Histogram>(bounds);
  });
}

std::string Registry::Render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  for (const auto& family : counters_) {
    Header(out, family.name(), family.help(), "counter");
    family.ForEach([&](const Labels& labels, const Counter& c) {
      out << family.name() << FormatLabels(labels) << " " << c.Value() << "\n";
    });
  }
  for (const auto& family : gauges_) {
    Header(out, family.name(), family.help(), "gauge");
    family.ForEach([&](const Labels& labels, const Gauge& g) {
      out << family.name() << FormatLabels(labels) << " " << g.Value() << "\n";
    });
  }
  for (const auto& family : histograms_) {
    Header(out, family.name(), family.help(), "histogram");
    family.ForEach([&](const Labels& labels, const Histogram& h) {
      const std::vector<uint64_t> counts = h.CumulativeCounts();
      for (size_t i = 0; i < counts.size(); ++i) {
        const double bound = i < h.upper_bounds().size() ? h.upper_bounds()[i] : INFINITY;
        out << family.name() << "_bucket" << FormatLabels(labels, "le", FormatNumber(bound)) << " "
            << counts[i] << "\n";
      }
      out << family.name() << "_sum" << FormatLabels(labels) << " " << FormatNumber(h.Sum())
          << "\n";
      out << family.name() << "_count" << FormatLabels(labels) << " " << counts.back() << "\n";
    });
  }
  return out.str();
}

}  // namespace la::prometheus
