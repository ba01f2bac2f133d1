#include "core/connection_strings.h"

#include <charconv>
#include <cstdint>

namespace la {
namespace {

// The whole of `text` as a number in [min, max].
bool ParseNumber(const std::string& text, int64_t min, int64_t max, int64_t& out) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  out = value;
  return true;
}

}  // namespace

std::string RedactUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t authority = scheme + 3;
  const size_t end = url.find_first_of("/?#", authority);
  const size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < authority) return url;  // no user information
  const size_t colon = url.find(':', authority);
  // Without a colon the user information may itself be the password (redis://secret@host).
  if (colon == std::string::npos || colon > at)
    return url.substr(0, authority) + "***" + url.substr(at);
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Result<RedisAddress> ParseRedisUrl(const std::string& url) {
  const std::string scheme = "redis://";
  auto error = [&](const std::string& what) {
    return Status::Error("REDIS_URL \"" + RedactUrl(url) + "\" " + what +
                         "; expected redis://[:password@]host[:port][/db]");
  };
  if (url.rfind(scheme, 0) != 0) return error("does not start with redis://");
  std::string rest = url.substr(scheme.size());
  RedisAddress address;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    address.password = colon == std::string::npos ? userinfo : userinfo.substr(colon + 1);
    rest = rest.substr(at + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    int64_t db = 0;
    if (!ParseNumber(rest.substr(slash + 1), 0, 15, db)) return error("has a bad db number");
    address.db = static_cast<int>(db);
    rest = rest.substr(0, slash);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    int64_t port = 0;
    if (!ParseNumber(rest.substr(colon + 1), 1, 65535, port)) return error("has a bad port");
    address.port = static_cast<int>(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return error("has no host");
  address.host = rest;
  return address;
}

}  // namespace la
