// One keep-alive HTTP/1.1 connection of a load run: it sends POST
// /engagement/like requests one at a time, measures each response and
// reconnects after a failure, until the run's deadline or request budget is
// reached. Open loop (a rate is set): it sends the arrivals it claims from its
// thread's ArrivalSchedule whenever it is free; closed loop (no rate): it sends
// the next request as soon as the previous answer arrived.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/loadgen/accepted_log.h"
#include "tools/loadgen/arrival_schedule.h"
#include "tools/loadgen/like_event_source.h"
#include "tools/loadgen/load_tally.h"
#include "tools/loadgen/stream_popularity.h"

namespace la {

// What every connection of a run shares. Read-only while the run goes, except
// the request budget.
struct LoadRun {
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // all loopback, checked
  std::string host_header;
  std::vector<std::string> stream_ids;  // by popularity rank
  const StreamPopularity* popularity = nullptr;
  double duplicate_ratio = 0;
  LoadClock::time_point deadline;  // LoadClock::time_point::max() when unbounded
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
  // The loopback address to connect from (127.0.0.2, ...), so that a proxy that
  // balances by client address spreads the connections; unset: the system's choice.
  std::optional<boost::asio::ip::address_v4> source;
};

// Opens `stream` to the run's target, from plan.source when set. A failure is
// counted in `tally` and leaves the stream closed (the run reconnects it).
boost::asio::awaitable<void> ConnectLikeConnection(const LoadRun& run, const ConnectionPlan& plan,
                                                   boost::beast::tcp_stream& stream,
                                                   LoadTally& tally);

// Runs the connection over `stream` (open or not) until the run ends, sending
// what `likes` draws, when `schedule` says (nullptr: closed loop); everything
// it measures goes to `tally`. The schedule and the tally belong to this
// connection's io thread.
boost::asio::awaitable<void> RunLikeConnection(LoadRun& run, ConnectionPlan plan,
                                               boost::beast::tcp_stream stream,
                                               LikeEventSource likes, ArrivalSchedule* schedule,
                                               LoadTally& tally);

}  // namespace la
