// The load of la-fanout-client: up to a few tens of thousands of Socket.IO dashboards
// (Engine.IO v4 over raw-socket WebSockets) on ONE thread with epoll, so that the measured
// server gets the rest of the machine. Per connection it answers pings and validates every
// frame; per delivered statsUpdate it records publish -> delivery latency. It publishes the
// updates itself (RESP PUBLISH to Redis, or to la-fanout-ceiling), at a fixed rate, each
// carrying its publish time (tools/fanout/fanout_packet.h).
//
// A read costs one recv into a shared buffer; a frame is parsed in place, so no allocation
// happens per frame unless a frame arrives split across reads (then its bytes are kept per
// connection) or fragmented. Not thread-safe: one FanoutClient, one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tools/latency_histogram.h"
#include "core/status.h"
#include "tools/fanout/client_options.h"

namespace la::fanout {

class FanoutClient {
 public:
  explicit FanoutClient(ClientOptions options);
  ~FanoutClient();
  FanoutClient(const FanoutClient&) = delete;
  FanoutClient& operator=(const FanoutClient&) = delete;

  // Runs every step of options.steps and returns the report: one object per step
  // (connections, deliveries got/expected, latency percentiles, server CPU per frame and
  // RSS per connection). Fails only if the publish port cannot be reached.
  Result<nlohmann::json> Run();

 private:
  using Clock = std::chrono::steady_clock;
  enum class State : uint8_t { kConnecting, kUpgrading, kOpening, kJoining, kConnected, kClosed };
  struct Connection {
    int fd = -1;
    State state = State::kClosed;
    uint32_t got = 0;             // bench updates delivered in this step
    uint32_t max_latency_us = 0;  // the slowest of them
    bool snapshot = false;        // its first statsUpdate (the snapshot) has arrived
    std::string partial;          // the start of a frame (or of the 101 response) split by a read
    std::string message;          // a fragmented message being assembled
  };
  // Counters of one step.
  struct Tally {
    uint64_t published = 0, expected = 0, delivered = 0, late = 0;
    uint64_t disconnects = 0, bad_frames = 0;
    LatencyHistogram latency_us;
  };

  Status ConnectPublisher();
  void OpenConnection();
  void OnEvent(uint32_t index, uint32_t events);
  void OnWritable(Connection& c);
  void OnReadable(Connection& c);
  // Parses what `data` holds; keeps an incomplete frame's bytes in c.partial.
  void Consume(Connection& c, std::string_view data);
  void OnFrame(Connection& c, std::string_view text);
  void SendText(Connection& c, std::string_view text);
  // Closes `c`: a disconnect if it was connected, else a failed connect.
  void Close(Connection& c, const std::string& reason);
  void BadFrame(const std::string& message);
  // Handles the events of one epoll_wait that returns by `deadline` (or within 100 ms).
  void PollOnce(Clock::time_point deadline);
  // Microseconds since the Unix epoch: the clock of publish times.
  static int64_t WallMicros();
  void OpenUpTo(int target);
  void Publish();
  nlohmann::json MeasureStep(int target, uint64_t previous_rss_kb, int previous_connected);

  const ClientOptions options_;
  int epoll_ = -1;
  int publisher_ = -1;
  std::vector<Connection> connections_;
  size_t next_slot_ = 0;       // where OpenConnection looks for a free slot first
  int handshaking_ = 0;        // connections between connect() and the CONNECT ack
  int connected_ = 0;          // connections in State::kConnected
  int awaiting_snapshot_ = 0;  // of those, the ones still waiting for their first statsUpdate
  uint64_t failed_connects_ = 0;
  bool recording_ = false;
  Clock::time_point last_bench_frame_;  // when the last update of the bench stream arrived
  int64_t step_start_us_ = 0;
  Tally tally_;
  std::string first_bad_frame_;
  std::set<std::string> close_reasons_;  // the ones already reported on stderr
  std::string read_buffer_;
  std::string write_buffer_;
  std::string upgrade_request_;
  std::string connect_packet_;
};

}  // namespace la::fanout
