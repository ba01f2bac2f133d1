#include "core/requests/client_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <optional>

namespace la {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The 16 bytes of an IPv6 address, or of the IPv4-mapped form of an IPv4 address.
std::optional<std::array<uint8_t, 16>> AddressBytes(std::string_view text, bool* is_v4 = nullptr) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string copy(text);
  std::array<uint8_t, 16> bytes{};
  in_addr v4;
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &v4, 4);
    if (is_v4) *is_v4 = true;
    return bytes;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
    std::memcpy(bytes.data(), &v6, 16);
    if (is_v4) *is_v4 = false;
    return bytes;
  }
  return std::nullopt;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies proxies;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view entry = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    const size_t slash = entry.find('/');
    bool is_v4 = false;
    auto bytes = AddressBytes(entry.substr(0, slash), &is_v4);
    const int max_bits = is_v4 ? 32 : 128;
    int bits = max_bits;
    if (bytes && slash != std::string_view::npos) {
      const std::string_view text = entry.substr(slash + 1);
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
      if (ec != std::errc() || end != text.data() + text.size() || bits < 0 || bits > max_bits) {
        bytes.reset();
      }
    }
    if (!bytes) {
      return Status::Error("TRUSTED_PROXIES entry \"" + std::string(entry) +
                           "\" is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8, ::1)");
    }
    proxies.networks_.push_back({*bytes, is_v4 ? bits + 96 : bits});
  }
  return proxies;
}

bool TrustedProxies::Contains(std::string_view address) const {
  auto bytes = AddressBytes(address);
  if (!bytes) return false;
  for (const Network& network : networks_) {
    bool match = true;
    for (int bit = 0; bit < network.prefix_bits && match; bit += 8) {
      const int remaining = network.prefix_bits - bit;
      const uint8_t mask = remaining >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - remaining));
      match = ((*bytes)[bit / 8] & mask) == (network.bytes[bit / 8] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string CanonicalAddress(std::string_view text) {
  bool is_v4 = false;
  auto bytes = AddressBytes(Trim(text), &is_v4);
  if (!bytes) return "";
  char out[INET6_ADDRSTRLEN];
  if (is_v4) return inet_ntop(AF_INET, bytes->data() + 12, out, sizeof out);
  return inet_ntop(AF_INET6, bytes->data(), out, sizeof out);
}

std::string ClientAddress(std::string_view peer, std::string_view real_ip,
                          std::string_view forwarded_for, const TrustedProxies& trusted) {
  if (!trusted.Contains(peer)) return std::string(peer);
  if (std::string address = CanonicalAddress(real_ip); !address.empty()) return address;
  const size_t comma = forwarded_for.rfind(',');
  const std::string_view last =
      comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
  if (std::string address = CanonicalAddress(last); !address.empty()) return address;
  return std::string(peer);
}

}  // namespace la
