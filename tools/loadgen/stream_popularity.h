// Which stream a generated like goes to: either every one of S streams is
// equally likely, or popularity follows Zipf's law (the stream of rank k, 0-based,
// is chosen with probability proportional to 1 / (k + 1)^s), the usual shape of
// live-video audiences where a few streams get most of the likes.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "core/status.h"

namespace la {

class StreamPopularity {
 public:
  // Every stream in [0, stream_count) equally likely. Fails when stream_count is 0.
  static Result<StreamPopularity> Uniform(size_t stream_count);
  // Zipf with exponent `s` (> 0, e.g. 1.1) over [0, stream_count); rank 0 is
  // the most popular. Precomputes a table of stream_count doubles. Fails when
  // stream_count is 0 or s is not a positive finite number.
  static Result<StreamPopularity> Zipf(size_t stream_count, double s);

  // Maps a uniform random number `u` in [0, 1) to a stream rank; values outside
  // [0, 1) are clamped. Deterministic, so a caller supplies the randomness.
  size_t Pick(double u) const;

  size_t stream_count() const { return stream_count_; }

 private:
  StreamPopularity(size_t stream_count, std::vector<double> cumulative)
      : stream_count_(stream_count), cumulative_(std::move(cumulative)) {}

  size_t stream_count_;
  // For Zipf: cumulative_[k] = P(rank <= k), the last entry exactly 1.
  // Empty for the uniform distribution.
  std::vector<double> cumulative_;
};

}  // namespace la
