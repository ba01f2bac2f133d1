// la-loadgen: drives POST /engagement/like at an api node or nginx on this
// machine and reports rate, errors and latency. Run `la-loadgen --help`.
//
// Flow: parse flags -> resolve the target (loopback only) -> get tokens ->
// open every connection over --threads io_contexts -> start the clock and run
// one coroutine per connection (open loop: each thread's connections share an
// ArrivalSchedule with the thread's part of --rate) -> wait until the deadline
// or request budget is spent -> merge the per-thread tallies -> print the
// summary and write --accepted-out.
// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "tools/loadgen/accepted_log.h"
#include "tools/loadgen/arrival_schedule.h"
#include "tools/loadgen/like_connection.h"
#include "tools/loadgen/like_event_source.h"
#include "tools/loadgen/load_options.h"
#include "tools/loadgen/load_report.h"
#include "tools/loadgen/load_tokens.h"
#include "tools/loadgen/stream_popularity.h"

namespace la {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

int Fail(const std::string& message) {
  std::cerr << "la-loadgen: " << message << "\n";
  return 1;
}

// 12 random hex digits: makes this run's eventIds distinct from every other run's.
std::string NewRunId() {
  std::random_device entropy;
  const uint64_t bits = (uint64_t{entropy()} << 32 | entropy()) & 0xffffffffffffULL;
  char text[16];
  std::snprintf(text, sizeof text, "%012llx", static_cast<unsigned long long>(bits));
  return text;
}

// Resolves the target and re-checks every address it resolves to: a name must
// not lead the load anywhere but this machine.
Result<std::vector<tcp::endpoint>> ResolveLoopback(const LoopbackUrl& target) {
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
  if (ec) return Status::Error("cannot resolve \"" + target.host + "\": " + ec.message());
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results) {
    if (!entry.endpoint().address().is_loopback()) {
      return Status::Error("refusing to send load: \"" + target.host + "\" resolves to " +
                           entry.endpoint().address().to_string() + ", which is not loopback");
    }
    endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) return Status::Error("\"" + target.host + "\" resolves to no address");
  return endpoints;
}

std::string HostHeader(const LoopbackUrl& target) {
  const bool ipv6 = target.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(target.port);
}

// Each connection is a file descriptor: raises the soft limit to what the run
// needs (up to the hard limit) and fails, saying how to raise it, beyond that.
Status EnsureDescriptors(int connections) {
  const rlim_t needed = static_cast<rlim_t>(connections) + 64;  // + files, the resolver, ...
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed) return Status::Ok();
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return Status::Error(std::to_string(connections) + " connections need " +
                         std::to_string(needed) + " file descriptors, the hard limit is " +
                         std::to_string(limit.rlim_max) + " (raise it with ulimit -Hn)");
  }
  limit.rlim_cur = needed;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return Status::Error("cannot raise the file descriptor limit to " + std::to_string(needed));
  }
  return Status::Ok();
}

// Runs every io_context on a thread of its own until each runs out of work.
void RunToCompletion(std::vector<std::unique_ptr<asio::io_context>>& contexts) {
  std::vector<std::thread> threads;
  for (auto& context : contexts) threads.emplace_back([&context] { context->run(); });
  for (std::thread& thread : threads) thread.join();
  for (auto& context : contexts) context->restart();
}

void RethrowFailure(std::exception_ptr failure) {
  if (failure) std::rethrow_exception(failure);
}

Result<StreamPopularity> Popularity(const LoadOptions& options) {
  return options.skew == StreamSkew::kZipf ? StreamPopularity::Zipf(options.streams, options.zipf_s)
                                           : StreamPopularity::Uniform(options.streams);
}

int Main(int argc, char** argv) {
  Result<std::optional<LoadOptions>> parsed =
      ParseLoadOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) return Fail(parsed.status().message());
  if (!*parsed) {
    std::cout << kLoadgenUsage;
    return 0;
  }
  const LoadOptions& options = **parsed;
  const std::string run_id = NewRunId();

  LoadRun run;
  Result<std::vector<tcp::endpoint>> endpoints = ResolveLoopback(options.target);
  if (!endpoints.ok()) return Fail(endpoints.status().message());
  run.endpoints = *endpoints;
  run.host_header = HostHeader(options.target);

  const int64_t token_lifetime_s =
      std::max<int64_t>(3600, static_cast<int64_t>(options.duration_s.value_or(0)) + 600);
  Result<std::vector<std::string>> tokens =
      ConnectionTokens(options.tokens, options.connections, run_id, token_lifetime_s, run.endpoints,
                       run.host_header);
  if (!tokens.ok()) return Fail(tokens.status().message());

  Result<StreamPopularity> popularity = Popularity(options);
  if (!popularity.ok()) return Fail(popularity.status().message());
  run.popularity = &*popularity;
  run.duplicate_ratio = options.duplicate_ratio;
  for (size_t rank = 0; rank < options.streams; ++rank) {
    run.stream_ids.push_back(options.stream_prefix + std::to_string(rank));
  }
  run.timeout = std::chrono::milliseconds(options.timeout_ms);
  if (options.requests) run.requests_left.emplace(*options.requests);
  if (Status enough = EnsureDescriptors(options.connections); !enough.ok()) {
    return Fail(enough.message());
  }

  std::unique_ptr<AcceptedLinesFile> accepted_lines;
  if (!options.accepted_out.empty() && options.accepted_format != AcceptedFormat::kCounts) {
    Result<std::unique_ptr<AcceptedLinesFile>> file =
        AcceptedLinesFile::Create(options.accepted_out);
    if (!file.ok()) return Fail(file.status().message());
    accepted_lines = std::move(*file);
    run.accepted_lines = accepted_lines.get();
    run.accepted_lines_timed = options.accepted_format == AcceptedFormat::kTimedLines;
  }

  // One io_context and one tally per thread; a connection lives on one thread.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<LoadTally> tallies(options.threads, LoadTally(options.streams));
  for (int t = 0; t < options.threads; ++t)
    contexts.push_back(std::make_unique<asio::io_context>(1));

  // Every connection is open before the first like is due: the run measures
  // likes, not a burst of connects (one that fails reconnects during the run).
  // Reserved: the connect coroutines hold references into both until they finish.
  std::vector<ConnectionPlan> plans;
  plans.reserve(options.connections);
  std::vector<beast::tcp_stream> streams;
  streams.reserve(options.connections);
  for (int i = 0; i < options.connections; ++i) {
    ConnectionPlan& plan =
        plans.emplace_back(ConnectionPlan{"Bearer " + (*tokens)[i], std::nullopt});
    if (options.source_addresses > 0) {
      plan.source = asio::ip::address_v4((127u << 24) + 2 +
                                         static_cast<unsigned>(i % options.source_addresses));
    }
    const int thread = i % options.threads;
    beast::tcp_stream& stream = streams.emplace_back(contexts[thread]->get_executor());
    asio::co_spawn(*contexts[thread], ConnectLikeConnection(run, plan, stream, tallies[thread]),
                   RethrowFailure);
  }
  RunToCompletion(contexts);

  const LoadClock::time_point start = LoadClock::now();
  run.deadline = options.duration_s
                     ? start + std::chrono::duration_cast<LoadClock::duration>(
                                   std::chrono::duration<double>(*options.duration_s))
                     : LoadClock::time_point::max();
  // Open loop: thread t's arrivals are offset by t / rate, so together they are evenly spaced.
  std::vector<std::optional<ArrivalSchedule>> schedules(options.threads);
  if (options.rate > 0) {
    for (int t = 0; t < options.threads; ++t) {
      const auto offset = std::chrono::duration_cast<LoadClock::duration>(
          std::chrono::duration<double>(t / options.rate));
      schedules[t].emplace(start + offset, options.rate / options.threads, run.deadline);
    }
  }
  const std::mt19937_64::result_type seed_base = std::random_device{}();
  for (int i = 0; i < options.connections; ++i) {
    Result<LikeEventSource> likes =
        LikeEventSource::Create(*popularity, "lg-" + run_id + "-" + std::to_string(i) + "-",
                                options.duplicate_ratio, seed_base + i);
    if (!likes.ok()) return Fail(likes.status().message());
    const int thread = i % options.threads;
    ArrivalSchedule* schedule = schedules[thread] ? &*schedules[thread] : nullptr;
    asio::co_spawn(*contexts[thread],
                   RunLikeConnection(run, std::move(plans[i]), std::move(streams[i]),
                                     std::move(*likes), schedule, tallies[thread]),
                   RethrowFailure);
  }
  RunToCompletion(contexts);
  const double elapsed_s = std::chrono::duration<double>(LoadClock::now() - start).count();
  uint64_t offered = 0;
  for (int t = 0; t < options.threads; ++t) {
    if (!schedules[t]) continue;
    tallies[t].unsent = schedules[t]->Unclaimed();
    offered += schedules[t]->total();
  }

  LoadTally total(options.streams);
  for (const LoadTally& tally : tallies) total.Merge(tally);

  if (accepted_lines) {
    if (Status closed = accepted_lines->Close(); !closed.ok()) return Fail(closed.message());
  } else if (!options.accepted_out.empty()) {
    Status written = WriteAcceptedCounts(options.accepted_out, run.stream_ids,
                                         total.distinct_accepted_per_stream);
    if (!written.ok()) return Fail(written.message());
  }

  const LoadSummary summary{options, total, elapsed_s, run_id, offered};
  if (options.json) {
    std::cerr << FormatTextSummary(summary);
    std::cout << FormatJsonSummary(summary);
  } else {
    std::cout << FormatTextSummary(summary);
  }
  return total.latency_us.count() > 0 ? 0 : Fail("no response arrived from " + options.url);
}

}  // namespace
}  // namespace la

int main(int argc, char** argv) { return la::Main(argc, argv); }
