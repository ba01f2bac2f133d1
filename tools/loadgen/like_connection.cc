#include "tools/loadgen/like_connection.h"

#include <netinet/in.h>

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <string_view>

namespace la {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

using BindAddressNoPort = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

// How long a connection waits before reconnecting after a failed connect.
constexpr auto kReconnectPause = std::chrono::milliseconds(100);

// The wall-clock time now in ms since the epoch, with microsecond digits: the
// clock the end-to-end benchmark's dashboard watcher also reads.
std::string WallClockMs() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(us / 1000),
                static_cast<long long>(us % 1000));
  return text;
}

// Accepted "streamId eventId" lines are handed to the shared file in chunks this big.
constexpr size_t kAcceptedLinesChunk = 16 * 1024;

// "connect: Connection refused", "read: timeout", ...: what failed, grouped for the report.
std::string FailureLabel(std::string_view operation, const error_code& ec) {
  const std::string reason = ec == beast::error::timeout ? "timeout" : ec.message();
  return std::string(operation) + ": " + reason;
}

// The request body; both ids are plain [A-Za-z0-9_.:-], so nothing needs escaping.
std::string LikeBody(std::string_view stream_id, std::string_view event_id) {
  std::string body;
  body.reserve(32 + stream_id.size() + event_id.size());
  body.append(R"({"streamId":")").append(stream_id);
  body.append(R"(","eventId":")").append(event_id).append(R"("})");
  return body;
}

// Sleeps until `when`, or not at all if it has passed.
asio::awaitable<void> SleepUntil(asio::steady_timer& timer, LoadClock::time_point when) {
  if (when <= LoadClock::now()) co_return;
  timer.expires_at(when);
  error_code ignored;  // only cancellation, which nothing here does
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

}  // namespace

bool LoadRun::TakeRequest() {
  if (LoadClock::now() >= deadline) return false;
  if (!requests_left) return true;
  uint64_t left = requests_left->load(std::memory_order_relaxed);
  while (left > 0) {
    if (requests_left->compare_exchange_weak(left, left - 1, std::memory_order_relaxed))
      return true;
  }
  return false;
}

asio::awaitable<void> ConnectLikeConnection(const LoadRun& run, const ConnectionPlan& plan,
                                            beast::tcp_stream& stream, LoadTally& tally) {
  error_code ec;
  stream.expires_after(run.timeout);
  if (plan.source && run.endpoints.front().address().is_v4()) {
    stream.socket().open(asio::ip::tcp::v4(), ec);
    // The port is chosen at connect, knowing the destination: bound first, a port whose
    // connection to the same target from an earlier run is still in TIME_WAIT could be
    // taken, and connect would fail with "Cannot assign requested address".
    if (!ec) stream.socket().set_option(BindAddressNoPort(true), ec);
    if (!ec) stream.socket().bind({*plan.source, 0}, ec);
    if (!ec)
      co_await stream.async_connect(run.endpoints.front(),
                                    asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await stream.async_connect(run.endpoints, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!ec) stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  if (ec) {
    ++tally.connection_errors[FailureLabel("connect", ec)];
    stream.close();
  }
}

asio::awaitable<void> RunLikeConnection(LoadRun& run, ConnectionPlan plan, beast::tcp_stream stream,
                                        LikeEventSource likes, ArrivalSchedule* schedule,
                                        LoadTally& tally) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer pacer(executor);
  beast::flat_buffer read_buffer;
  std::string accepted_lines;
  error_code ec;

  http::request<http::string_body> request{http::verb::post, "/engagement/like", 11};
  request.set(http::field::host, run.host_header);
  request.set(http::field::authorization, plan.authorization);
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);

  bool connected = stream.socket().is_open();
  while (true) {
    // Latency counts from when the like was due, so a target that falls behind
    // the rate shows its queueing delay (no coordinated omission).
    LoadClock::time_point due = LoadClock::now();
    if (schedule != nullptr) {
      const std::optional<LoadClock::time_point> next = schedule->Claim(due);
      if (!next) break;
      due = *next;
      co_await SleepUntil(pacer, due);
    }
    if (!run.TakeRequest()) break;
    if (schedule != nullptr) {
      const auto late =
          std::chrono::duration_cast<std::chrono::microseconds>(LoadClock::now() - due);
      tally.send_lag_us.Record(static_cast<uint64_t>(std::max<int64_t>(0, late.count())));
    }

    if (!connected) {
      co_await ConnectLikeConnection(run, plan, stream, tally);
      connected = stream.socket().is_open();
      if (!connected) {
        co_await SleepUntil(pacer, std::min(LoadClock::now() + kReconnectPause, run.deadline));
        continue;
      }
    }

    const PlannedLike like = likes.Next();
    if (like.is_duplicate) ++tally.duplicates_sent;
    request.body() = LikeBody(run.stream_ids[like.stream_rank], like.event_id);
    request.prepare_payload();

    http::response<http::string_body> response;
    std::string_view failed_operation = "write";
    stream.expires_after(run.timeout);
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      failed_operation = "read";
      co_await http::async_read(stream, read_buffer, response,
                                asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) {
      ++tally.connection_errors[FailureLabel(failed_operation, ec)];
      ++tally.outcome_unknown;
      stream.close();
      read_buffer.clear();
      connected = false;
      continue;
    }

    const auto latency =
        std::chrono::duration_cast<std::chrono::microseconds>(LoadClock::now() - due);
    tally.latency_us.Record(static_cast<uint64_t>(latency.count()));
    ++tally.responses_by_status[response.result_int()];
    if (response.result() == http::status::accepted) {
      if (likes.RecordAccepted(like)) ++tally.distinct_accepted_per_stream[like.stream_rank];
      if (run.accepted_lines != nullptr) {
        accepted_lines.append(run.stream_ids[like.stream_rank]).append(" ");
        accepted_lines.append(like.event_id);
        if (run.accepted_lines_timed) accepted_lines.append(" ").append(WallClockMs());
        accepted_lines.append("\n");
        if (accepted_lines.size() >= kAcceptedLinesChunk) {
          run.accepted_lines->Append(accepted_lines);
          accepted_lines.clear();
        }
      }
    }
    if (!response.keep_alive()) {
      stream.close();
      connected = false;
    }
  }

  if (run.accepted_lines != nullptr && !accepted_lines.empty())
    run.accepted_lines->Append(accepted_lines);
  if (connected) stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

}  // namespace la
