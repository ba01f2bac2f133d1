// FanoutClient's measuring half: one step of the ladder and the report (see the header).
#include <chrono>
#include <cmath>
#include <iostream>

#include "tools/fanout/fanout_client.h"
#include "tools/fanout/proc_sample.h"

namespace la::fanout {
namespace {

// A process sample that failed (the server exited) reads as 0; the report then shows it.
uint64_t OrZero(const Result<uint64_t>& sample) { return sample.ok() ? *sample : 0; }

double Millis(uint64_t micros) { return std::round(micros / 100.0) / 10.0; }

std::chrono::steady_clock::duration Span(double seconds) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds));
}

double Seconds(std::chrono::steady_clock::duration span) {
  return std::chrono::duration<double>(span).count();
}

}  // namespace

nlohmann::json FanoutClient::MeasureStep(int target, uint64_t previous_rss_kb,
                                         int previous_connected) {
  // Frames of the previous step still queued in the server would land in this one: wait
  // until a second passes without any (at most a minute).
  const auto backlog_start = Clock::now();
  while (Clock::now() - last_bench_frame_ < std::chrono::seconds(1) &&
         Clock::now() - backlog_start < std::chrono::seconds(60)) {
    PollOnce(last_bench_frame_ + std::chrono::seconds(1));
  }
  const double backlog_s = Seconds(Clock::now() - backlog_start);
  const uint64_t failed_before = failed_connects_;
  const auto connect_start = Clock::now();
  OpenUpTo(target);
  const double connect_s = Seconds(Clock::now() - connect_start);
  // A dashboard's snapshot comes from MongoDB (held updates are folded into it): wait
  // until every connection has its snapshot, so that the measured updates flow live.
  const auto settled = Clock::now() + Span(options_.settle_s);
  const auto given_up = settled + std::chrono::seconds(60);
  while (Clock::now() < settled || (awaiting_snapshot_ > 0 && Clock::now() < given_up)) {
    PollOnce(Clock::now() < settled ? settled : given_up);
  }
  const double settle_s = Seconds(Clock::now() - connect_start) - connect_s;
  const int connections = connected_;
  const pid_t server = options_.server_pid;
  const uint64_t rss_kb = server ? OrZero(SampleRssKb(server)) : 0;
  tally_ = Tally{};
  for (Connection& c : connections_) c.got = c.max_latency_us = 0;
  const uint64_t server_cpu_start = server ? OrZero(SampleCpuMicros(server)) : 0;
  const uint64_t client_cpu_start = OrZero(SampleCpuMicros(0));
  recording_ = true;
  step_start_us_ = WallMicros();
  const auto start = Clock::now();
  const auto updates = static_cast<int64_t>(std::llround(options_.rate * options_.duration_s));
  for (int64_t k = 0; k < updates; ++k) {
    const auto due = start + Span(k / options_.rate);
    while (Clock::now() < due) PollOnce(due);
    Publish();
  }
  const auto drained = Clock::now() + Span(options_.drain_s);
  while (Clock::now() < drained && tally_.delivered < tally_.expected) PollOnce(drained);
  recording_ = false;
  const double window_s = Seconds(Clock::now() - start);
  const uint64_t server_cpu = server ? OrZero(SampleCpuMicros(server)) - server_cpu_start : 0;
  const uint64_t client_cpu = OrZero(SampleCpuMicros(0)) - client_cpu_start;

  uint32_t worst_us = 0;
  int missing_frames = 0;
  for (const Connection& c : connections_) {
    if (c.state != State::kConnected) continue;
    worst_us = std::max(worst_us, c.max_latency_us);
    if (c.got < tally_.published) ++missing_frames;
  }
  const LatencyHistogram& h = tally_.latency_us;
  const double frames = static_cast<double>(std::max<uint64_t>(1, tally_.delivered));
  nlohmann::json step = {
      {"label", options_.label},
      {"connections_asked", target},
      {"connections", connections},
      {"previous_backlog_s", std::round(backlog_s * 10) / 10},
      {"connect_s", std::round(connect_s * 10) / 10},
      {"settle_s", std::round(settle_s * 10) / 10},
      {"connections_without_snapshot", awaiting_snapshot_},
      {"failed_connects", failed_connects_ - failed_before},
      {"disconnects", tally_.disconnects},
      {"published", tally_.published},
      {"expected", tally_.expected},
      {"delivered", tally_.delivered},
      {"late_frames", tally_.late},
      {"bad_frames", tally_.bad_frames},
      {"connections_missing_frames", missing_frames},
      {"p50_ms", Millis(h.ValueAtPercentile(50))},
      {"p99_ms", Millis(h.ValueAtPercentile(99))},
      {"p999_ms", Millis(h.ValueAtPercentile(99.9))},
      {"max_ms", Millis(h.max())},
      {"worst_connection_max_ms", Millis(worst_us)},
      {"window_s", std::round(window_s * 10) / 10},
      {"client_cpu_us_per_frame", std::round(client_cpu / frames * 100) / 100},
      {"client_cpu_percent", std::round(client_cpu / window_s / 1e4 * 10) / 10},
  };
  if (!first_bad_frame_.empty()) step["first_bad_frame"] = first_bad_frame_;
  if (server) {
    step["server_cpu_us_per_frame"] = std::round(server_cpu / frames * 100) / 100;
    // Per frame the server was asked to send: lower when frames are still queued at the end.
    step["server_cpu_us_per_expected_frame"] =
        std::round(server_cpu / std::max<double>(1, tally_.expected) * 100) / 100;
    step["server_cpu_percent"] = std::round(server_cpu / window_s / 1e4 * 10) / 10;
    step["server_rss_kb"] = rss_kb;
    if (connections > previous_connected && previous_rss_kb > 0) {
      step["rss_bytes_per_connection"] =
          std::llround((static_cast<double>(rss_kb) - static_cast<double>(previous_rss_kb)) * 1024 /
                       (connections - previous_connected));
      step["rss_per_connection_between"] = {previous_connected, connections};
    }
  }
  return step;
}

Result<nlohmann::json> FanoutClient::Run() {
  if (epoll_ < 0) return Status::Error(std::string("epoll_create1: ") + std::strerror(errno));
  if (Status s = ConnectPublisher(); !s.ok()) return s;
  nlohmann::json steps = nlohmann::json::array();
  const uint64_t rss_before_kb = options_.server_pid ? OrZero(SampleRssKb(options_.server_pid)) : 0;
  uint64_t rss_kb = rss_before_kb;
  int connected = 0;
  for (int target : options_.steps) {
    steps.push_back(MeasureStep(target, rss_kb, connected));
    std::cerr << "[fanout] " << options_.label << ": " << steps.back().dump() << "\n";
    rss_kb = steps.back().value("server_rss_kb", uint64_t{0});
    connected = steps.back()["connections"];
  }
  return nlohmann::json{{"label", options_.label},
                        {"rate", options_.rate},
                        {"duration_s", options_.duration_s},
                        {"server_rss_kb_before_connections", rss_before_kb},
                        {"steps", steps}};
}

}  // namespace la::fanout
