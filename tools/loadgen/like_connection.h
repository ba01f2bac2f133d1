// One keep-alive HTTP/1.1 connection of a load run: it sends POST
// /engagement/like requests one at a time (a closed loop, optionally paced to a
// rate), measures each response and reconnects after a failure, until the run's
// deadline or request budget is reached.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/loadgen/accepted_log.h"
#include "tools/loadgen/like_event_source.h"
#include "tools/loadgen/load_tally.h"
#include "tools/loadgen/stream_popularity.h"

namespace la {

using LoadClock = std::chrono::steady_clock;

// What every connection of a run shares. Read-only while the run goes, except
// the request budget.
struct LoadRun {
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // all loopback, checked
  std::string host_header;
  std::vector<std::string> stream_ids;  // by popularity rank
  const StreamPopularity* popularity = nullptr;
  double duplicate_ratio = 0;
  LoadClock::time_point start;
  LoadClock::time_point deadline;  // LoadClock::time_point::max() when unbounded
  // Time between two sends of one connection; zero means send as soon as the
  // previous response arrived.
  LoadClock::duration send_interval{};
  std::chrono::milliseconds timeout{10000};
  std::optional<std::atomic<uint64_t>> requests_left;  // set when --requests was given
  AcceptedLinesFile* accepted_lines = nullptr;         // set when lines are recorded
  bool accepted_lines_timed = false;  // lines end with the wall-clock time of the 202

  // Claims one request from the budget; false once it is spent.
  bool TakeRequest();
};

// What distinguishes one connection from the others.
struct ConnectionPlan {
  std::string authorization;  // "Bearer <token>"
  // When a paced connection sends first, after run.start; staggering the
  // connections spreads their sends evenly over the interval.
  LoadClock::duration start_offset{};
  // The loopback address to connect from (127.0.0.2, ...), so that a proxy that
  // balances by client address spreads the connections; unset: the system's choice.
  std::optional<boost::asio::ip::address_v4> source;
};

// Runs the connection until the run ends, sending what `likes` draws;
// everything it measures goes to `tally`, which only this connection's io
// thread touches.
boost::asio::awaitable<void> RunLikeConnection(LoadRun& run, ConnectionPlan plan,
                                               LikeEventSource likes, LoadTally& tally);

}  // namespace la
