#include "core/counting/dedup_decision.h"

namespace la {

std::string FormatPosition(int32_t partition, int64_t offset) {
  return std::to_string(partition) + ":" + std::to_string(offset);
}

DedupDecision DecideDedup(const std::optional<std::string>& stored_position,
                          std::string_view own_position) {
  if (!stored_position || *stored_position == own_position) return DedupDecision::kCount;
  return DedupDecision::kDuplicate;
}

}  // namespace la
