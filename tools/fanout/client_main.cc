// la-fanout-client: the load side of bench/fanout. Run `la-fanout-client --help`.
//
// Flow: parse flags -> raise the file-descriptor limit (one per connection) -> for each
// step of --clients: open connections, publish for --duration-s, measure -> print one
// JSON report on stdout (progress goes to stderr).
#include <sys/resource.h>

#include <iostream>

#include "tools/fanout/client_options.h"
#include "tools/fanout/fanout_client.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "la-fanout-client: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  bool help = false;
  la::Result<la::fanout::ClientOptions> options =
      la::fanout::ParseClientOptions({argv + 1, argv + argc}, help);
  if (help) {
    std::cout << la::fanout::ClientUsage();
    return 0;
  }
  if (!options.ok()) return Fail(options.status().message());
  const rlim_t needed = static_cast<rlim_t>(options->steps.back()) + 64;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < needed) {
    limit.rlim_cur = std::min(needed, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < needed) {
      return Fail("--clients " + std::to_string(options->steps.back()) + " needs " +
                  std::to_string(needed) + " file descriptors but the hard limit is " +
                  std::to_string(limit.rlim_max) + "; raise it (ulimit -Hn, as root)");
    }
  }
  la::fanout::FanoutClient client(*options);
  la::Result<nlohmann::json> report = client.Run();
  if (!report.ok()) return Fail(report.status().message());
  std::cout << report->dump() << "\n";
  return 0;
}
