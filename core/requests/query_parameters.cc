#include "core/requests/query_parameters.h"

#include <charconv>

namespace la {

Result<size_t> ParseTopStreamsParameter(const std::string& text) {
  size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > kMaxTopStreams) {
    return Status::Error("top must be a whole number from 1 to " + std::to_string(kMaxTopStreams) +
                         ", got \"" + text + "\" (e.g. /streams?top=10)");
  }
  return value;
}

}  // namespace la
