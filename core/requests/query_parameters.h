// The query parameters the HTTP routes take (docs/http-api.md), parsed and checked: the
// message of a failure is the body of a 400. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace la {

inline constexpr size_t kMaxTopStreams = 1000;

// The N of GET /streams?top=N: a whole number from 1 to kMaxTopStreams.
Result<size_t> ParseTopStreamsParameter(const std::string& text);

}  // namespace la
