// Pure rules of the DLQ tooling (la-admin dlq): how an operator names a dead
// letter ("PARTITION:OFFSET" of the DLQ topic), how a list of them is written,
// and how a message's bytes are previewed on one terminal line.
// Stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace la {

// Where a dead letter sits in the DLQ topic.
struct DeadLetterPosition {
  int32_t partition = 0;
  int64_t offset = 0;

  bool operator==(const DeadLetterPosition&) const = default;
  auto operator<=>(const DeadLetterPosition&) const = default;
};

// "P:O" as `la-admin dlq list` prints it (partition and offset, decimal, >= 0).
Result<DeadLetterPosition> ParseDeadLetterPosition(std::string_view text);

// A comma-separated list of positions ("0:12,2:7"); sorted, duplicates dropped.
Result<std::vector<DeadLetterPosition>> ParseDeadLetterPositions(std::string_view text);

// "P:O".
std::string FormatDeadLetterPosition(const DeadLetterPosition& position);

// At most `max_chars` characters showing `bytes` on one line: printable ASCII as
// is, anything else (UTF-8 included) as \xNN, "..." appended when cut short.
std::string PreviewBytes(std::string_view bytes, size_t max_chars);

// The value of header `name` (the first one), or "" when absent.
using HeaderPairs = std::vector<std::pair<std::string, std::string>>;
std::string HeaderValue(const HeaderPairs& headers, std::string_view name);

}  // namespace la
