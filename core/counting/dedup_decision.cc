#include "core/counting/dedup_decision.h"

namespace la {

std::string FormatPosition(int32_t partition, int64_t offset) {
  return std::to_string(partition) + ":" + std::to_string(offset);
}

std::string DedupKey(std::string_view user_id, std::string_view event_id) {
  std::string key = "dedup:";
  key.append(user_id).append(":").append(event_id);
  return key;
}

std::string EventIdClaimValue(std::string_view position, std::string_view stream_id) {
  std::string value(position);
  value.append("/").append(stream_id);
  return value;
}

std::string StreamDedupKey(std::string_view user_id, std::string_view event_id,
                           std::string_view stream_id) {
  std::string key = DedupKey(user_id, event_id);
  key.append("/").append(stream_id);
  return key;
}

DedupDecision DecideDedup(const std::optional<std::string>& stored, std::string_view own_position,
                          std::string_view stream_id) {
  if (!stored) return DedupDecision::kCount;
  const std::string_view value = *stored;
  const size_t slash = value.find('/');
  const std::string_view position = value.substr(0, slash);
  if (position == own_position) return DedupDecision::kCount;
  // No stream recorded (a stream key's value, or a key of an older consumer).
  if (slash == std::string_view::npos) return DedupDecision::kDuplicate;
  return value.substr(slash + 1) == stream_id ? DedupDecision::kDuplicate
                                              : DedupDecision::kClaimOnItsStream;
}

}  // namespace la
