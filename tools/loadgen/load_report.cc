#include "tools/loadgen/load_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

namespace la {
namespace {

// The percentiles every summary reports, with their names in text and JSON.
struct ReportedPercentile {
  double percentile;
  const char* text_name;
  const char* json_name;
};
constexpr ReportedPercentile kPercentiles[] = {
    {50, "p50", "p50"}, {90, "p90", "p90"}, {99, "p99", "p99"}, {99.9, "p99.9", "p99_9"}};

uint64_t ResponseCount(const LoadTally& tally) {
  uint64_t total = 0;
  for (const auto& [status, count] : tally.responses_by_status) total += count;
  return total;
}

uint64_t Sum(const std::vector<uint64_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), uint64_t{0});
}

double PerSecond(uint64_t count, double seconds) { return seconds > 0 ? count / seconds : 0.0; }

std::string Format(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

std::string FormatTextSummary(const LoadSummary& summary) {
  const LoadOptions& options = summary.options;
  const LoadTally& tally = summary.tally;
  const uint64_t responses = ResponseCount(tally);
  std::string text = "la-loadgen " + options.url + ": " + std::to_string(options.connections) +
                     " connections, " + std::to_string(options.threads) + " io thread(s), " +
                     (options.rate > 0 ? Format("open loop at %.0f likes/s", options.rate)
                                       : std::string("closed loop, as fast as possible")) +
                     ", run " + summary.run_id + "\n";
  if (options.rate > 0) {
    text += "  open loop: " + std::to_string(summary.offered) + " likes due, " +
            std::to_string(tally.unsent) + " never sent (no free connection before the end); " +
            "sent after due: p99 " +
            Format("%.3f", tally.send_lag_us.ValueAtPercentile(99) / 1000.0) + " ms, max " +
            Format("%.3f", tally.send_lag_us.max() / 1000.0) + " ms\n";
  }
  text += "  " + std::to_string(responses) + " responses in " +
          Format("%.2f s", summary.elapsed_s) + ": " +
          Format("%.1f req/s", PerSecond(responses, summary.elapsed_s)) + "\n";
  for (const auto& [status, count] : tally.responses_by_status) {
    text += "  status " + std::to_string(status) + ": " + std::to_string(count) + "\n";
  }
  text +=
      "  accepted distinct eventIds: " + std::to_string(Sum(tally.distinct_accepted_per_stream)) +
      " (duplicates sent: " + std::to_string(tally.duplicates_sent) + ")\n";
  if (tally.connection_errors.empty()) text += "  connection errors: none\n";
  for (const auto& [error, count] : tally.connection_errors) {
    text += "  connection error " + error + ": " + std::to_string(count) + "\n";
  }
  if (tally.outcome_unknown > 0) {
    text +=
        "  outcome unknown (sent, no response): " + std::to_string(tally.outcome_unknown) + "\n";
  }
  text += "  latency ms:";
  for (const ReportedPercentile& p : kPercentiles) {
    text += std::string(" ") + p.text_name + " " +
            Format("%.3f", tally.latency_us.ValueAtPercentile(p.percentile) / 1000.0);
  }
  text += " max " + Format("%.3f", tally.latency_us.max() / 1000.0);
  text += " mean " + Format("%.3f", tally.latency_us.Mean() / 1000.0) + "\n";
  return text;
}

std::string FormatJsonSummary(const LoadSummary& summary) {
  const LoadOptions& options = summary.options;
  const LoadTally& tally = summary.tally;
  const uint64_t responses = ResponseCount(tally);
  nlohmann::json status = nlohmann::json::object();
  for (const auto& [code, count] : tally.responses_by_status) status[std::to_string(code)] = count;
  nlohmann::json latency = {{"min", tally.latency_us.min()},
                            {"max", tally.latency_us.max()},
                            {"mean", tally.latency_us.Mean()}};
  for (const ReportedPercentile& p : kPercentiles) {
    latency[p.json_name] = tally.latency_us.ValueAtPercentile(p.percentile);
  }
  uint64_t connection_error_count = 0;
  for (const auto& [error, count] : tally.connection_errors) connection_error_count += count;

  const nlohmann::json json = {
      {"url", options.url},
      {"run_id", summary.run_id},
      {"connections", options.connections},
      {"threads", options.threads},
      {"target_rate", options.rate},
      {"elapsed_s", summary.elapsed_s},
      {"responses", responses},
      {"rate", PerSecond(responses, summary.elapsed_s)},
      {"status", status},
      {"accepted_distinct", Sum(tally.distinct_accepted_per_stream)},
      {"duplicates_sent", tally.duplicates_sent},
      {"connection_errors", tally.connection_errors},
      {"connection_error_count", connection_error_count},
      {"outcome_unknown", tally.outcome_unknown},
      {"latency_us", latency},
      {"offered", summary.offered},
      {"unsent", tally.unsent},
      {"send_lag_us",
       {{"p50", tally.send_lag_us.ValueAtPercentile(50)},
        {"p99", tally.send_lag_us.ValueAtPercentile(99)},
        {"max", tally.send_lag_us.max()}}},
  };
  return json.dump(2) + "\n";
}

}  // namespace la
