// The target of a load test. Load tests send traffic only to this machine, so
// the load generator accepts nothing but a plain-HTTP base URL whose host is a
// loopback address: 127.0.0.0/8, "localhost" or ::1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace la {

struct LoopbackUrl {
  std::string host;    // as written, without the brackets of an IPv6 literal
  uint16_t port = 80;  // 80 when the URL names none
};

// Parses "http://HOST[:PORT][/]". Fails, naming the offending value, on another
// scheme, a path, a port outside 1..65535, or a host that is not loopback —
// "example.com", "10.0.0.1", "0.0.0.0", "127.1" (not a dotted quad) are refused.
Result<LoopbackUrl> ParseLoopbackUrl(std::string_view url);

// True for "localhost", a dotted-quad IPv4 address in 127.0.0.0/8, and "::1"
// (also spelled "0:0:0:0:0:0:0:1"). Host names other than localhost are refused
// because what they resolve to can change.
bool IsLoopbackHost(std::string_view host);

}  // namespace la
