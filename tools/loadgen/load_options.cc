#include "tools/loadgen/load_options.h"

#include <charconv>
#include <cstdio>
#include <functional>
#include <map>
#include <string_view>
#include <type_traits>

#include "core/command_line.h"
#include "core/counting/like_event.h"

namespace la {

const char* const kLoadgenUsage =
    "usage: la-loadgen [flags]\n"
    "Sends POST /engagement/like over keep-alive HTTP/1.1 connections to this machine\n"
    "and reports the achieved rate, errors and latency percentiles.\n"
    "\n"
    "target and load\n"
    "  --url URL               http://HOST[:PORT], HOST loopback only (default "
    "http://127.0.0.1:8080)\n"
    "  --connections N         keep-alive connections, one request in flight each (default 16);\n"
    "                          all are opened before the first like is sent\n"
    "  --threads N             io threads (default 1)\n"
    "  --rate R                open loop: likes arrive at R/s over the whole run, whether or not\n"
    "                          earlier ones were answered; each is sent on a free connection, and\n"
    "                          its latency counts from when it was due (needs --duration-s).\n"
    "                          0 = closed loop: each connection sends again as soon as it has\n"
    "                          its answer, as fast as possible (default 0)\n"
    "  --duration-s S          stop after S seconds (default 10 when --requests is not given)\n"
    "  --requests N            stop after N attempts over all connections\n"
    "  --timeout-ms MS         per request, connect included (default 10000)\n"
    "what is sent\n"
    "  --streams S             number of distinct streamIds (default 100)\n"
    "  --stream-prefix P       streamIds are P0, P1, ... (default \"stream-\")\n"
    "  --skew uniform|zipf     stream popularity (default uniform); P0 is the hottest\n"
    "  --zipf-s X              Zipf exponent (default 1.1)\n"
    "  --duplicate-ratio D     fraction of requests that re-send an eventId already sent (default "
    "0)\n"
    "  --source-addresses N    connect from N loopback addresses from 127.0.0.2 on (127.0.0.2,\n"
    "                          127.0.0.3, ..., 127.0.1.0, ...), round robin, as many viewers\n"
    "                          behind nginx's per-client-address balancing (default 0: off)\n"
    "authentication (exactly one)\n"
    "  --token T               the same bearer token on every connection\n"
    "  --jwt-secret S          mint one HS256 viewer token per connection\n"
    "  --login EMAIL:PASSWORD  POST /auth/login once and use its token\n"
    "output\n"
    "  --json                  print the summary as JSON on stdout (text goes to stderr)\n"
    "  --accepted-out FILE     record the likes answered 202\n"
    "  --accepted-format F     lines: one \"streamId eventId\" line per 202 (default);\n"
    "                          timed: \"streamId eventId unixMs\", unixMs = when the 202 came\n"
    "                          (wall clock, microsecond digits), for end-to-end latency;\n"
    "                          counts: \"streamId count\" of distinct accepted eventIds per "
    "stream\n"
    "Exit status: 0 when at least one response arrived, 1 otherwise or on a bad flag.\n";

namespace {

template <typename Number>
Result<Number> ParseNumber(std::string_view flag, std::string_view text) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return Status::Error("--" + std::string(flag) + " must be a number, got \"" +
                         std::string(text) + "\"");
  }
  return value;
}

// A bound as people write it: "0.001", not "0.001000".
template <typename Number>
std::string Shown(Number value) {
  if constexpr (std::is_floating_point_v<Number>) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
  } else {
    return std::to_string(value);
  }
}

// Parses a number and checks it lies in [low, high].
template <typename Number>
Status SetNumber(std::string_view flag, std::string_view text, Number low, Number high,
                 Number& out) {
  Result<Number> value = ParseNumber<Number>(flag, text);
  if (!value.ok()) return value.status();
  if (!(*value >= low && *value <= high)) {
    return Status::Error("--" + std::string(flag) + " must be between " + Shown(low) + " and " +
                         Shown(high) + ", got " + std::string(text));
  }
  out = *value;
  return Status::Ok();
}

// Checks what only makes sense once every flag is known.
Status CheckCombination(LoadOptions& options) {
  Result<LoopbackUrl> target = ParseLoopbackUrl(options.url);
  if (!target.ok()) return target.status();
  options.target = *target;

  const int token_sources = !options.tokens.token.empty() + !options.tokens.jwt_secret.empty() +
                            !options.tokens.login.empty();
  if (token_sources != 1) {
    return Status::Error("give exactly one of --token, --jwt-secret or --login (got " +
                         std::to_string(token_sources) + ")");
  }
  if (!options.tokens.login.empty() && options.tokens.login.find(':') == std::string::npos) {
    return Status::Error("--login must be EMAIL:PASSWORD, got no ':'");
  }
  if (options.threads > options.connections) {
    return Status::Error("--threads (" + std::to_string(options.threads) +
                         ") must not exceed --connections (" + std::to_string(options.connections) +
                         ")");
  }
  const std::string longest_stream_id = options.stream_prefix + std::to_string(options.streams - 1);
  if (Status valid = CheckStreamId(longest_stream_id); !valid.ok()) {
    return Status::Error("--stream-prefix \"" + options.stream_prefix +
                         "\" does not make valid streamIds: " + valid.message());
  }
  if (options.rate > 0 && !options.duration_s) {
    return Status::Error(
        "--rate needs --duration-s: an open-loop run offers rate x duration likes");
  }
  if (!options.duration_s && !options.requests) options.duration_s = 10;
  return Status::Ok();
}

}  // namespace

Result<std::optional<LoadOptions>> ParseLoadOptions(const std::vector<std::string>& args) {
  LoadOptions options;
  using Setter = std::function<Status(std::string_view)>;
  const std::map<std::string, Setter, std::less<>> flags = {
      {"url",
       [&](std::string_view v) {
         options.url = v;
         return Status::Ok();
       }},
      {"connections",
       [&](std::string_view v) {
         return SetNumber("connections", v, 1, 100000, options.connections);
       }},
      {"threads",
       [&](std::string_view v) { return SetNumber("threads", v, 1, 256, options.threads); }},
      {"rate", [&](std::string_view v) { return SetNumber("rate", v, 0.0, 1e9, options.rate); }},
      {"duration-s",
       [&](std::string_view v) {
         double seconds = 0;
         Status s = SetNumber("duration-s", v, 0.001, 1e6, seconds);
         if (s.ok()) options.duration_s = seconds;
         return s;
       }},
      {"requests",
       [&](std::string_view v) {
         uint64_t count = 0;
         Status s = SetNumber<uint64_t>("requests", v, 1, UINT64_MAX / 2, count);
         if (s.ok()) options.requests = count;
         return s;
       }},
      {"timeout-ms",
       [&](std::string_view v) {
         return SetNumber("timeout-ms", v, 1, 3600000, options.timeout_ms);
       }},
      {"streams",
       [&](std::string_view v) {
         return SetNumber<size_t>("streams", v, 1, 10000000, options.streams);
       }},
      {"stream-prefix",
       [&](std::string_view v) {
         options.stream_prefix = v;
         return Status::Ok();
       }},
      {"skew",
       [&](std::string_view v) {
         if (v == "uniform")
           options.skew = StreamSkew::kUniform;
         else if (v == "zipf")
           options.skew = StreamSkew::kZipf;
         else
           return Status::Error("--skew must be uniform or zipf, got \"" + std::string(v) + "\"");
         return Status::Ok();
       }},
      {"zipf-s",
       [&](std::string_view v) { return SetNumber("zipf-s", v, 0.01, 100.0, options.zipf_s); }},
      {"duplicate-ratio",
       [&](std::string_view v) {
         return SetNumber("duplicate-ratio", v, 0.0, 1.0, options.duplicate_ratio);
       }},
      {"source-addresses",
       [&](std::string_view v) {
         return SetNumber("source-addresses", v, 0, 65000, options.source_addresses);
       }},
      {"token",
       [&](std::string_view v) {
         options.tokens.token = v;
         return Status::Ok();
       }},
      {"jwt-secret",
       [&](std::string_view v) {
         options.tokens.jwt_secret = v;
         return Status::Ok();
       }},
      {"login",
       [&](std::string_view v) {
         options.tokens.login = v;
         return Status::Ok();
       }},
      {"accepted-out",
       [&](std::string_view v) {
         options.accepted_out = v;
         return Status::Ok();
       }},
      {"accepted-format",
       [&](std::string_view v) {
         if (v == "lines")
           options.accepted_format = AcceptedFormat::kLines;
         else if (v == "timed")
           options.accepted_format = AcceptedFormat::kTimedLines;
         else if (v == "counts")
           options.accepted_format = AcceptedFormat::kCounts;
         else
           return Status::Error("--accepted-format must be lines, timed or counts, got \"" +
                                std::string(v) + "\"");
         return Status::Ok();
       }},
  };

  Result<CommandLine> line = ParseCommandLine(args, [&](std::string_view name) {
    if (name == "json") return FlagKind::kSwitch;
    return flags.contains(name) ? FlagKind::kValue : FlagKind::kUnknown;
  });
  if (!line.ok()) return line.status();
  if (line->help) return std::optional<LoadOptions>();
  for (const CommandLineFlag& flag : line->flags) {
    if (flag.name == "json") {
      options.json = true;
    } else if (Status s = flags.find(flag.name)->second(*flag.value); !s.ok()) {
      return s;
    }
  }
  if (Status s = CheckCombination(options); !s.ok()) return s;
  return std::optional<LoadOptions>(std::move(options));
}

}  // namespace la
