// The command line of la-loadgen, parsed and checked before any traffic is sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "tools/loadgen/loopback_url.h"

namespace la {

enum class StreamSkew { kUniform, kZipf };
enum class AcceptedFormat { kLines, kTimedLines, kCounts };

// Where each connection's Authorization token comes from; exactly one is set.
struct TokenSource {
  std::string token;       // --token: the same token on every connection
  std::string jwt_secret;  // --jwt-secret: mint one viewer token per connection
  std::string login;       // --login email:password: POST /auth/login once
};

struct LoadOptions {
  std::string url = "http://127.0.0.1:8080";
  LoopbackUrl target;  // parsed from url
  int connections = 16;
  int threads = 1;
  double rate =
      0;  // open loop: likes due per second over the run; 0: closed loop, as fast as possible
  // The run stops at whichever comes first; at least one is set (10 s when neither is given).
  std::optional<double> duration_s;
  std::optional<uint64_t> requests;
  int timeout_ms = 10000;  // per request, connect included

  size_t streams = 100;
  std::string stream_prefix = "stream-";  // streamIds are <prefix><rank>, rank 0 the hottest
  StreamSkew skew = StreamSkew::kUniform;
  double zipf_s = 1.1;
  double duplicate_ratio = 0;
  int source_addresses = 0;  // connect from N loopback addresses from 127.0.0.2 on; 0: default

  TokenSource tokens;

  bool json = false;
  std::string accepted_out;  // empty: not written
  AcceptedFormat accepted_format = AcceptedFormat::kLines;
};

// The usage text printed by --help.
extern const char* const kLoadgenUsage;

// Parses "--name value" / "--name=value" arguments (without argv[0]). Returns
// nullopt for --help. Fails with a message naming the flag and the bad value.
Result<std::optional<LoadOptions>> ParseLoadOptions(const std::vector<std::string>& args);

}  // namespace la
