#include "bench/consumer_load_events.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/counting/like_event.h"

namespace la::bench {
namespace {

constexpr size_t kRecentEvents = 10000;  // a retry comes soon after the original

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

LoadGenerator::LoadGenerator(LoadShape shape) : shape_(std::move(shape)), rng_(shape_.seed) {
  stream_cdf_.reserve(shape_.streams);
  double sum = 0;
  for (int rank = 1; rank <= shape_.streams; ++rank) {
    sum += 1.0 / std::pow(rank, shape_.zipf_exponent);
    stream_cdf_.push_back(sum);
  }
  for (double& c : stream_cdf_) c /= sum;
}

LoadMessage LoadGenerator::Next() {
  ++expected_.messages;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double kind = unit(rng_);
  if (kind < shape_.malformed_share) {
    ++expected_.malformed;
    return {"malformed", "{\"eventId\":\"" + shape_.run_id + "-bad-" +
                             std::to_string(expected_.malformed) +
                             "\",\"type\":\"LIKE\",\"streamId\":\"not a valid id!\"}"};
  }
  if (kind < shape_.malformed_share + shape_.duplicate_share && !recent_.empty()) {
    ++expected_.duplicates;
    std::uniform_int_distribution<size_t> pick(0, recent_.size() - 1);
    return Encode(recent_[pick(rng_)]);
  }
  SentEvent event{shape_.run_id + "-" + std::to_string(next_event_number_++), PickStream()};
  ++expected_.likes_by_stream[event.stream_id];
  LoadMessage message = Encode(event);
  recent_.push_back(std::move(event));
  if (recent_.size() > kRecentEvents) recent_.pop_front();
  return message;
}

std::string LoadGenerator::PickStream() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto rank = std::lower_bound(stream_cdf_.begin(), stream_cdf_.end(), unit(rng_));
  const auto index = std::min<ptrdiff_t>(rank - stream_cdf_.begin(), shape_.streams - 1);
  return "stream-" + std::to_string(index);
}

LoadMessage LoadGenerator::Encode(const SentEvent& event) {
  return {event.stream_id,
          EncodeLikeEvent({event.event_id, event.stream_id, "load-user", NowMs()})};
}

Status WriteExpectedTotals(const std::string& path, const ExpectedTotals& totals) {
  std::ofstream out(path);
  out << "# messages " << totals.messages << " duplicates " << totals.duplicates << " malformed "
      << totals.malformed << "\n";
  for (const auto& [stream, likes] : totals.likes_by_stream) out << stream << " " << likes << "\n";
  out.close();
  if (!out) return Status::Error("cannot write the expected totals to " + path);
  return Status::Ok();
}

Result<ExpectedTotals> ReadExpectedTotals(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("cannot read expected totals from " + path);
  ExpectedTotals totals;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (line.rfind("# ", 0) == 0) {
      std::string word;
      fields >> word >> word >> totals.messages >> word >> totals.duplicates >> word >>
          totals.malformed;
      continue;
    }
    std::string stream;
    int64_t likes = 0;
    if (!(fields >> stream >> likes)) {
      return Status::Error(path + ": line \"" + line + "\" is not \"streamId likes\"");
    }
    totals.likes_by_stream[stream] = likes;
  }
  return totals;
}

}  // namespace la::bench
