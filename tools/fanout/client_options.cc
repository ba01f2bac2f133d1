#include "tools/fanout/client_options.h"

#include <charconv>
#include <cmath>

namespace la::fanout {
namespace {

Status BadValue(const std::string& flag, const std::string& value, const std::string& want) {
  return Status::Error("--" + flag + " must be " + want + ", got \"" + value + "\"");
}

Result<int64_t> Integer(const std::string& flag, const std::string& value, int64_t low,
                        int64_t high) {
  int64_t out = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size() || out < low || out > high) {
    return BadValue(flag, value,
                    "an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  }
  return out;
}

Result<double> Seconds(const std::string& flag, const std::string& value, double low, double high) {
  size_t used = 0;
  double out = 0;
  try {
    out = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || !std::isfinite(out) || out < low || out > high) {
    return BadValue(flag, value,
                    "a number in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  }
  return out;
}

Status ParseSteps(const std::string& value, std::vector<int>& steps) {
  steps.clear();
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = std::min(value.find(',', start), value.size());
    Result<int64_t> step = Integer("clients", value.substr(start, comma - start), 1, 1000000);
    if (!step.ok() || (!steps.empty() && *step <= steps.back())) {
      return BadValue("clients", value, "increasing connection counts, e.g. 10000,20000");
    }
    steps.push_back(static_cast<int>(*step));
    start = comma + 1;
  }
  return Status::Ok();
}

}  // namespace

std::string ClientUsage() {
  return "la-fanout-client: opens Socket.IO WebSocket connections to 127.0.0.1:--port, publishes\n"
         "updates carrying their publish time through --publish-port (Redis PUBLISH), and\n"
         "reports publish -> delivery latency and the server's CPU and RSS as JSON on stdout.\n"
         "  --port P                 Socket.IO server port (required)\n"
         "  --publish-port P         Redis (or la-fanout-ceiling) port taking PUBLISH (required)\n"
         "  --token T                admin JWT for the CONNECT packet (required)\n"
         "  --clients N[,N...]       increasing connection counts, one measurement each "
         "(10000,20000)\n"
         "  --rate R                 updates per second (10)\n"
         "  --duration-s S           publishing time per step (20)\n"
         "  --drain-s S              wait for late frames after the last publish (2)\n"
         "  --settle-s S             pause after connecting, before measuring (1); then until\n"
         "                           every connection has its snapshot (at most 60 s)\n"
         "  --server-pid PID         sample this process's CPU and RSS (none)\n"
         "  --label NAME             name of the server in the report (server)\n"
         "  --stream ID              stream id carried by the updates (fanout-bench)\n"
         "  --channel NAME           Redis channel (stream-updates)\n"
         "  --connect-concurrency N  handshakes in flight at once (256)\n";
}

Result<ClientOptions> ParseClientOptions(const std::vector<std::string>& args, bool& help) {
  ClientOptions o;
  help = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return ClientOptions{};
    }
    if (!arg.starts_with("--") || i + 1 >= args.size()) {
      return Status::Error("expected --flag value, got \"" + arg + "\" (see --help)");
    }
    const std::string flag = arg.substr(2);
    const std::string& v = args[++i];
    Status status = Status::Ok();
    auto set_int = [&](int64_t low, int64_t high, auto& field) {
      Result<int64_t> n = Integer(flag, v, low, high);
      if (n.ok()) field = static_cast<std::remove_reference_t<decltype(field)>>(*n);
      status = n.status();
    };
    auto set_seconds = [&](double low, double high, double& field) {
      Result<double> s = Seconds(flag, v, low, high);
      if (s.ok()) field = *s;
      status = s.status();
    };
    if (flag == "port") {
      set_int(1, 65535, o.port);
    } else if (flag == "publish-port") {
      set_int(1, 65535, o.publish_port);
    } else if (flag == "token") {
      o.token = v;
    } else if (flag == "clients") {
      status = ParseSteps(v, o.steps);
    } else if (flag == "rate") {
      set_seconds(0.1, 1000, o.rate);
    } else if (flag == "duration-s") {
      set_seconds(1, 600, o.duration_s);
    } else if (flag == "drain-s") {
      set_seconds(0, 60, o.drain_s);
    } else if (flag == "settle-s") {
      set_seconds(0, 60, o.settle_s);
    } else if (flag == "server-pid") {
      set_int(1, INT32_MAX, o.server_pid);
    } else if (flag == "label") {
      o.label = v;
    } else if (flag == "stream") {
      o.stream = v;
    } else if (flag == "channel") {
      o.channel = v;
    } else if (flag == "connect-concurrency") {
      set_int(1, 100000, o.connect_concurrency);
    } else {
      return Status::Error("unknown flag \"" + arg + "\" (see --help)");
    }
    if (!status.ok()) return status;
  }
  if (o.port == 0 || o.publish_port == 0 || o.token.empty()) {
    return Status::Error("--port, --publish-port and --token are required (see --help)");
  }
  return o;
}

}  // namespace la::fanout
