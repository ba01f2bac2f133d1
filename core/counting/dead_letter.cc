#include "core/counting/dead_letter.h"

#include <algorithm>
#include <charconv>

namespace la {
namespace {

template <typename T>
bool ParseNonNegative(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && out >= 0;
}

}  // namespace

Result<DeadLetterPosition> ParseDeadLetterPosition(std::string_view text) {
  const auto colon = text.find(':');
  DeadLetterPosition position;
  if (colon == std::string_view::npos ||
      !ParseNonNegative(text.substr(0, colon), position.partition) ||
      !ParseNonNegative(text.substr(colon + 1), position.offset)) {
    return Status::Error("dead letter \"" + std::string(text) +
                         "\" is not PARTITION:OFFSET of the DLQ topic (e.g. 0:12, as `la-admin dlq "
                         "list` prints it)");
  }
  return position;
}

Result<std::vector<DeadLetterPosition>> ParseDeadLetterPositions(std::string_view text) {
  std::vector<DeadLetterPosition> positions;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    Result<DeadLetterPosition> position =
        ParseDeadLetterPosition(text.substr(start, comma - start));
    if (!position.ok()) return position.status();
    positions.push_back(*position);
    start = comma + 1;
  }
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

std::string FormatDeadLetterPosition(const DeadLetterPosition& position) {
  return std::to_string(position.partition) + ":" + std::to_string(position.offset);
}

std::string PreviewBytes(std::string_view bytes, size_t max_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    std::string piece;
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      piece = std::string(1, c);
    } else if (byte == '\\') {
      piece = "\\\\";
    } else {
      piece = {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
    }
    if (out.size() + piece.size() > max_chars) return out + "...";
    out += piece;
  }
  return out;
}

std::string HeaderValue(const HeaderPairs& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace la
