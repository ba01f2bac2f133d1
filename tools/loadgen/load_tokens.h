// The bearer tokens a load run's connections send: one given token, one
// minted per connection with the JWT secret, or one obtained by logging in.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "tools/loadgen/load_options.h"

namespace la {

// Returns one token per connection. Minted tokens are HS256 with role viewer,
// id "loadgen-<run_id>-<connection>" and a lifetime of `lifetime_s`. --login
// posts to /auth/login at `endpoints` (with `host_header`) and fails with the
// server's status and message when it does not answer 200 with a token.
Result<std::vector<std::string>> ConnectionTokens(
    const TokenSource& source, int connections, const std::string& run_id, int64_t lifetime_s,
    const std::vector<boost::asio::ip::tcp::endpoint>& endpoints, const std::string& host_header);

}  // namespace la
