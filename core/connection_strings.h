// How the programs name the servers they use: Redis URLs parsed into an address, and any
// connection string with its password hidden, for logs and messages. Pure; any thread.
#pragma once

#include <string>

#include "core/status.h"

namespace la {

struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string password;  // empty: no AUTH
  int db = 0;
};

// Parses redis://[:password@]host[:port][/db]. The error names REDIS_URL, the URL with its
// password hidden, and the expected form.
Result<RedisAddress> ParseRedisUrl(const std::string& url);

// `url` with the password of its user information replaced by "***"
// (mongodb://app:***@db:27017/x; redis://***@host when the user information has no
// colon, since Redis URLs may carry a bare password); safe to log or put in a message.
std::string RedactUrl(const std::string& url);

}  // namespace la
