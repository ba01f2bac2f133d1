// Which address a request comes from, for per-client limits. Behind nginx every request
// comes from nginx's own address; nginx passes the client's in X-Real-IP (and appends it
// to X-Forwarded-For). Those headers are believed only when the peer is a trusted proxy
// (by default loopback, where the local nginx runs): anyone else could send them to pick
// their own rate-limit bucket. Pure logic.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace la {

// A list of networks in CIDR notation ("127.0.0.0/8,::1/128,10.0.0.0/8"); a bare address
// is a network of one. Immutable once parsed; safe to share between threads.
class TrustedProxies {
 public:
  // Fails on a malformed entry, naming it. An empty list trusts nobody.
  static Result<TrustedProxies> Parse(std::string_view list);

  bool Contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    std::array<uint8_t, 16> bytes{};  // IPv4 as its IPv4-mapped IPv6 form
    int prefix_bits = 0;
  };
  std::vector<Network> networks_;
};

// The canonical text of an IP address, or "" if `text` is not one.
std::string CanonicalAddress(std::string_view text);

// The client address of a request whose TCP peer is `peer`: the X-Real-IP value (else the
// last X-Forwarded-For entry) if `peer` is trusted and the value is an IP address;
// otherwise `peer` itself.
std::string ClientAddress(std::string_view peer, std::string_view real_ip,
                          std::string_view forwarded_for, const TrustedProxies& trusted);

}  // namespace la
