// The command line of la-fanout-client (run `la-fanout-client --help`). Pure parsing;
// thread-safe (no state).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"

namespace la::fanout {

struct ClientOptions {
  int port = 0;          // the Socket.IO server on 127.0.0.1 (an api node or the ceiling)
  int publish_port = 0;  // where PUBLISH goes on 127.0.0.1: Redis, or the ceiling's port
  std::string token;     // the admin JWT sent in the CONNECT packet's auth {token}
  // Connection counts, increasing: at each step the client opens connections up to it and
  // measures; the server's RSS per connection is the difference between steps.
  std::vector<int> steps = {10000, 20000};
  double rate = 10;        // updates published per second
  double duration_s = 20;  // publishing time per step
  double drain_s = 2;      // after the last publish, how long to wait for the missing frames
  double settle_s = 1;     // after connecting, before sampling RSS and publishing
  pid_t server_pid = 0;    // sampled for CPU and RSS; 0: not sampled
  std::string label = "server";
  std::string stream = "fanout-bench";
  std::string channel = "stream-updates";
  int connect_concurrency = 256;  // handshakes in flight at once
};

// Parses the arguments after the program name. Returns the options, or an error naming
// the flag and the value; `help` is set (and the options are defaults) for --help.
Result<ClientOptions> ParseClientOptions(const std::vector<std::string>& args, bool& help);

// The text --help prints.
std::string ClientUsage();

}  // namespace la::fanout
