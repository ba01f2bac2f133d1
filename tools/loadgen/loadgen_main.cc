// la-loadgen: drives POST /engagement/like at an api node or nginx on this
// machine and reports rate, errors and latency. Run `la-loadgen --help`.
//
// Flow: parse flags -> resolve the target (loopback only) -> get tokens ->
// spawn one coroutine per connection over --threads io_contexts -> wait until
// the deadline or request budget is spent -> merge the per-thread tallies ->
// print the summary and write --accepted-out.
// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "tools/loadgen/accepted_log.h"
#include "tools/loadgen/like_connection.h"
#include "tools/loadgen/like_event_source.h"
#include "tools/loadgen/load_options.h"
#include "tools/loadgen/load_report.h"
#include "tools/loadgen/load_tokens.h"
#include "tools/loadgen/stream_popularity.h"

namespace la {
namespace {

namespace asio = boost::asio;
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
  if (options.rate > 0) {
    run.send_interval = std::chrono::duration_cast<LoadClock::duration>(
        std::chrono::duration<double>(options.connections / options.rate));
  }
  if (options.requests) run.requests_left.emplace(*options.requests);

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

  run.start = LoadClock::now();
  run.deadline = options.duration_s
                     ? run.start + std::chrono::duration_cast<LoadClock::duration>(
                                       std::chrono::duration<double>(*options.duration_s))
                     : LoadClock::time_point::max();
  const std::mt19937_64::result_type seed_base = std::random_device{}();
  for (int i = 0; i < options.connections; ++i) {
    Result<LikeEventSource> likes =
        LikeEventSource::Create(*popularity, "lg-" + run_id + "-" + std::to_string(i) + "-",
                                options.duplicate_ratio, seed_base + i);
    if (!likes.ok()) return Fail(likes.status().message());
    ConnectionPlan plan{"Bearer " + (*tokens)[i], run.send_interval * i / options.connections,
                        std::nullopt};
    if (options.source_addresses > 0) {
      plan.source = asio::ip::address_v4((127u << 24) + 2 +
                                         static_cast<unsigned>(i % options.source_addresses));
    }
    const int thread = i % options.threads;
    asio::co_spawn(*contexts[thread],
                   RunLikeConnection(run, std::move(plan), std::move(*likes), tallies[thread]),
                   [](std::exception_ptr failure) {
                     if (failure) std::rethrow_exception(failure);
                   });
  }

  std::vector<std::thread> threads;
  for (auto& context : contexts) threads.emplace_back([&context] { context->run(); });
  for (std::thread& thread : threads) thread.join();
  const double elapsed_s = std::chrono::duration<double>(LoadClock::now() - run.start).count();

  LoadTally total(options.streams);
  for (const LoadTally& tally : tallies) total.Merge(tally);

  if (accepted_lines) {
    if (Status closed = accepted_lines->Close(); !closed.ok()) return Fail(closed.message());
  } else if (!options.accepted_out.empty()) {
    Status written = WriteAcceptedCounts(options.accepted_out, run.stream_ids,
                                         total.distinct_accepted_per_stream);
    if (!written.ok()) return Fail(written.message());
  }

  const LoadSummary summary{options, total, elapsed_s, run_id};
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
