// Reads dead letters from KAFKA_DLQ_TOPIC for the dlq commands: the newest N,
// all of them, or given positions. Blocking, with bounded waits; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "adapters/kafka_topic_reader.h"
#include "config/tool_config.h"
#include "core/counting/dead_letter.h"

namespace la::admin {

// The newest `limit` dead letters over all partitions (by timestamp), oldest first,
// and how many the topic holds in all.
struct NewestDeadLetters {
  std::vector<TopicRecord> letters;
  int64_t total = 0;
};
Result<NewestDeadLetters> ReadNewestDeadLetters(const ToolConfig& config, size_t limit);

// Every dead letter, in (partition, offset) order.
Result<std::vector<TopicRecord>> ReadAllDeadLetters(const ToolConfig& config);

// The dead letters at `positions`; an error names a position that holds none.
Result<std::vector<TopicRecord>> ReadDeadLettersAt(const ToolConfig& config,
                                                   std::vector<DeadLetterPosition> positions);

// The record's headers as name/value pairs (for core/dead_letter.h).
HeaderPairs HeadersOf(const TopicRecord& record);

// "2026-11-29T09:01:02.345Z", or "-" when unknown.
std::string FormatTimestamp(int64_t ms_since_epoch);

}  // namespace la::admin
