#include "core/counting/log_anchor.h"

#include <charconv>

namespace la {
namespace {

constexpr uint64_t kFnvOffsetBasis = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t Fold(uint64_t hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

}  // namespace

uint64_t MessageDigest(std::string_view key, std::string_view value) {
  const std::string key_length = std::to_string(key.size()) + ":";
  return Fold(Fold(Fold(kFnvOffsetBasis, key_length), key), value);
}

std::string FormatDigest(uint64_t digest) {
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, digest >>= 4) text[i] = "0123456789abcdef"[digest & 0xf];
  return text;
}

std::optional<uint64_t> ParseDigest(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  uint64_t digest = 0;
  for (const char c : text) {
    const bool digit = c >= '0' && c <= '9', letter = c >= 'a' && c <= 'f';
    if (!digit && !letter) return std::nullopt;
    digest = digest << 4 | static_cast<uint64_t>(digit ? c - '0' : c - 'a' + 10);
  }
  return digest;
}

LogCheck CheckLog(const LogAnchor& anchor, const LogAtAnchor& log) {
  const std::string at = "offset " + std::to_string(anchor.offset);
  if (log.end <= anchor.offset) {
    return {LogVerdict::kReplaced, "the log ends before " + at + " (next offset " +
                                       std::to_string(log.end) +
                                       "), where the last counted message was: its offsets "
                                       "started again (topic re-created, or the brokers lost "
                                       "their data)"};
  }
  if (anchor.offset < log.start) {
    return {LogVerdict::kAnchorExpired, "the last counted message, at " + at +
                                            ", was removed by retention (the log starts at " +
                                            std::to_string(log.start) + ")"};
  }
  if (log.digest != anchor.digest) {
    return {LogVerdict::kReplaced, "the message at " + at +
                                       " is not the one that was counted there: its offsets "
                                       "started again (topic re-created, or the brokers lost "
                                       "their data)"};
  }
  return {LogVerdict::kSameLog, "the last counted message is at " + at};
}

PartitionStart DecideStart(const PartitionLogRecord& record,
                           const std::optional<LogAtAnchor>& log) {
  if (record.anchor) {
    if (!log) return {PartitionStart::Kind::kHalt, 0, "its log could not be compared"};
    const LogCheck check = CheckLog(*record.anchor, *log);
    if (check.verdict == LogVerdict::kReplaced) {
      return {PartitionStart::Kind::kHalt, 0, check.reason};
    }
    return {PartitionStart::Kind::kCommitted, 0, check.reason};
  }
  if (record.rebase_from) return {PartitionStart::Kind::kFromOffset, *record.rebase_from, ""};
  return {PartitionStart::Kind::kCommitted, 0, ""};
}

}  // namespace la
