// Whether a Kafka partition's log is still the one its watermarks were written
// against, and where a consumer that takes the partition over starts
// (docs/exactly-once.md, "When Kafka's offsets start again").
//
// Watermarks (core/counting/flush_plan.h) are Kafka offsets. Offsets start again
// at 0 when a topic is deleted and created again, or when the brokers lose their
// data while MongoDB keeps its own; every new like at an offset at or below a
// stored watermark would then be skipped, and committed, for good. So every
// commit of a partition also stores its *anchor*: the offset of the last
// committed message and a digest of that message's key and bytes. Reading the
// log at the anchor tells the logs apart:
//   - the same message there: the same log;
//   - the anchor is below the log's start (retention removed it) while the log
//     reaches past it: the same log as far as offsets can tell;
//   - another message there, or a log that ends at or before the anchor: a
//     replaced log. The partition halts (nothing of it is counted or committed)
//     until an operator re-bases its watermarks (`la-admin partitions rebase`),
//     which removes the anchor and says from which offset to count the new log.
// Pure; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace la {

// The last committed message of a partition: its offset and MessageDigest().
struct LogAnchor {
  int64_t offset = 0;
  uint64_t digest = 0;

  bool operator==(const LogAnchor&) const = default;
};

// 64-bit FNV-1a of the message's key and value (with the key's length, so that
// no two different (key, value) pairs are one byte string). Identical messages
// at one offset of two logs are the only way to confuse them; every like carries
// its own eventId and timeStamp, so two logs never hold the same bytes there.
uint64_t MessageDigest(std::string_view key, std::string_view value);

// A digest as stored: 16 lower-case hex digits. ParseDigest reads it back; nullopt
// for anything else.
std::string FormatDigest(uint64_t digest);
std::optional<uint64_t> ParseDigest(std::string_view text);

// What a partition's log holds now: the readable offsets [start, end), and the
// digest of its message at the anchor's offset (nullopt when that offset is not
// in [start, end)).
struct LogAtAnchor {
  int64_t start = 0;
  int64_t end = 0;
  std::optional<uint64_t> digest;
};

enum class LogVerdict {
  kSameLog,        // the anchor's message is at its offset
  kAnchorExpired,  // retention removed the anchor's message; the log reaches past it
  kReplaced,       // another message at the anchor's offset, or the log ends before it
};

struct LogCheck {
  LogVerdict verdict = LogVerdict::kSameLog;
  std::string reason;  // for the log and la-admin, e.g. "the log ends at offset 12, ..."
};

// Compares the log with the anchor written against it.
LogCheck CheckLog(const LogAnchor& anchor, const LogAtAnchor& log);

// What the store holds for one partition.
struct PartitionLogRecord {
  std::optional<LogAnchor> anchor;     // absent: never committed, or re-based since
  std::optional<int64_t> rebase_from;  // a re-base's first offset to count, until an anchor
};

// Where a consumer that takes a partition over starts reading it.
struct PartitionStart {
  enum class Kind {
    kCommitted,   // at the committed offset, as Kafka says (the log is the anchored one, or
                  // nothing was ever anchored)
    kFromOffset,  // at `offset`: the watermarks were re-based to count this log from there
    kHalt,        // nowhere: the log was replaced and the watermarks are not re-based yet
  };
  Kind kind = Kind::kCommitted;
  int64_t offset = 0;  // kFromOffset
  std::string reason;  // kHalt: why, for the log
};

// The rule: a replaced log halts; a re-based partition starts at its re-base
// offset; anything else at the committed offset. `log` must be given when
// `record` has an anchor.
PartitionStart DecideStart(const PartitionLogRecord& record, const std::optional<LogAtAnchor>& log);

}  // namespace la
