#include "tools/loadgen/stream_popularity.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace la {

Result<StreamPopularity> StreamPopularity::Uniform(size_t stream_count) {
  if (stream_count == 0) return Status::Error("the number of streams must be at least 1, got 0");
  return StreamPopularity(stream_count, {});
}

Result<StreamPopularity> StreamPopularity::Zipf(size_t stream_count, double s) {
  if (stream_count == 0) return Status::Error("the number of streams must be at least 1, got 0");
  if (!std::isfinite(s) || s <= 0) {
    return Status::Error("the Zipf exponent must be a positive number, got " + std::to_string(s));
  }
  std::vector<double> cumulative(stream_count);
  double total = 0;
  for (size_t rank = 0; rank < stream_count; ++rank) {
    total += 1.0 / std::pow(static_cast<double>(rank + 1), s);
    cumulative[rank] = total;
  }
  for (double& value : cumulative) value /= total;
  cumulative.back() = 1.0;  // no rounding gap above the last stream
  return StreamPopularity(stream_count, std::move(cumulative));
}

size_t StreamPopularity::Pick(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  if (cumulative_.empty()) {
    return std::min(static_cast<size_t>(u * static_cast<double>(stream_count_)), stream_count_ - 1);
  }
  // The first rank whose cumulative probability exceeds u.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  return std::min(static_cast<size_t>(it - cumulative_.begin()), stream_count_ - 1);
}

}  // namespace la
