#include "tools/loadgen/loopback_url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

namespace la {
namespace {

// "1".."65535" without sign or spaces; nullopt otherwise.
std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "localhost") return true;
  // inet_pton accepts only the canonical forms: a dotted quad for IPv4, so
  // "127.1" or "0x7f.0.0.1" are not mistaken for something else.
  in_addr v4{};
  if (inet_pton(AF_INET, lower.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, lower.c_str(), &v6) == 1) {
    return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
  }
  return false;
}

Result<LoopbackUrl> ParseLoopbackUrl(std::string_view url) {
  const std::string quoted = "\"" + std::string(url) + "\"";
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::Error(
        "the target URL must start with http:// (plain HTTP to this machine), got " + quoted);
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) {
    return Status::Error("the target URL must have no path (routes are added by the tool), got " +
                         quoted);
  }

  // Split "host[:port]" or "[v6host][:port]"; port_text is set when a ':' introduces a port.
  LoopbackUrl parsed;
  std::optional<std::string_view> port_text;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return Status::Error("the target URL has an unclosed '[' in its host: " + quoted);
    }
    parsed.host = std::string(rest.substr(1, close - 1));
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      return Status::Error("the target URL has text after its IPv6 host: " + quoted);
    }
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const size_t colon = rest.find(':');
    parsed.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }

  if (port_text) {
    const std::optional<uint16_t> port = ParsePort(*port_text);
    if (!port) {
      return Status::Error("the target URL's port must be a number from 1 to 65535, got " + quoted);
    }
    parsed.port = *port;
  }

  if (parsed.host.empty()) return Status::Error("the target URL has no host: " + quoted);
  if (!IsLoopbackHost(parsed.host)) {
    return Status::Error("refusing to send load to \"" + parsed.host +
                         "\": load tests only target this machine (127.0.0.0/8, localhost, ::1)");
  }
  return parsed;
}

}  // namespace la
