// The like events the consumer benchmark and crash test produce, and the totals
// they must end up as: a stream popularity with Zipf skew (a few streams get
// most likes), a share of duplicates (a client retrying with the same eventId)
// and optionally malformed messages (which belong in the dead-letter topic).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/status.h"

namespace la::bench {

struct LoadShape {
  int64_t events = 0;             // messages to produce, duplicates and malformed included
  int streams = 10000;            // distinct stream ids
  double zipf_exponent = 1.0;     // 0: uniform
  double duplicate_share = 0.01;  // of the messages: a copy of a recent event
  double malformed_share = 0.0;   // of the messages: not a valid like event
  std::string run_id;             // makes event ids unique across runs (Redis keeps them)
  uint64_t seed = 1;
};

// One Kafka message to produce.
struct LoadMessage {
  std::string key;    // the streamId; "malformed" for malformed messages
  std::string value;  // the event JSON, or garbage
};

// What a run must produce in MongoDB: distinct valid events per stream.
struct ExpectedTotals {
  std::map<std::string, int64_t> likes_by_stream;
  int64_t messages = 0;
  int64_t duplicates = 0;
  int64_t malformed = 0;
};

class LoadGenerator {
 public:
  explicit LoadGenerator(LoadShape shape);

  // The next message; updates expected().
  LoadMessage Next();
  const ExpectedTotals& expected() const { return expected_; }

 private:
  struct SentEvent {
    std::string event_id;
    std::string stream_id;
  };

  std::string PickStream();
  LoadMessage Encode(const SentEvent& event);

  LoadShape shape_;
  std::mt19937_64 rng_;
  std::vector<double> stream_cdf_;  // cumulative Zipf weights, last = 1
  std::deque<SentEvent> recent_;    // duplicates copy one of these
  int64_t next_event_number_ = 0;
  ExpectedTotals expected_;
};

// Writes `totals` as text: a header line, then "streamId likes" per line.
Status WriteExpectedTotals(const std::string& path, const ExpectedTotals& totals);
Result<ExpectedTotals> ReadExpectedTotals(const std::string& path);

}  // namespace la::bench
