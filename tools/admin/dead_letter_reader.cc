#include "tools/admin/dead_letter_reader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

namespace la::admin {
namespace {

constexpr std::chrono::seconds kMetadataTimeout(10);
constexpr std::chrono::seconds kReadTimeout(60);

Result<std::vector<PartitionOffsets>> DlqOffsets(const ToolConfig& config) {
  return ReadPartitionOffsets(config.kafka_brokers, config.kafka_dlq_topic, kMetadataTimeout);
}

}  // namespace

Result<NewestDeadLetters> ReadNewestDeadLetters(const ToolConfig& config, size_t limit) {
  Result<std::vector<PartitionOffsets>> offsets = DlqOffsets(config);
  if (!offsets.ok()) return offsets.status();
  NewestDeadLetters newest;
  std::vector<PartitionOffsets> ranges;
  for (PartitionOffsets range : *offsets) {
    newest.total += range.high - range.low;
    // The newest `limit` overall are among the newest `limit` of each partition.
    range.low = std::max(range.low, range.high - static_cast<int64_t>(limit));
    ranges.push_back(range);
  }
  Result<std::vector<TopicRecord>> records =
      ReadRanges(config.kafka_brokers, config.kafka_dlq_topic, ranges, kReadTimeout);
  if (!records.ok()) return records.status();
  std::stable_sort(
      records->begin(), records->end(),
      [](const TopicRecord& a, const TopicRecord& b) { return a.timestamp_ms < b.timestamp_ms; });
  const size_t skip = records->size() > limit ? records->size() - limit : 0;
  newest.letters.assign(std::make_move_iterator(records->begin() + skip),
                        std::make_move_iterator(records->end()));
  return newest;
}

Result<std::vector<TopicRecord>> ReadAllDeadLetters(const ToolConfig& config) {
  Result<std::vector<PartitionOffsets>> offsets = DlqOffsets(config);
  if (!offsets.ok()) return offsets.status();
  return ReadRanges(config.kafka_brokers, config.kafka_dlq_topic, *offsets, kReadTimeout);
}

Result<std::vector<TopicRecord>> ReadDeadLettersAt(const ToolConfig& config,
                                                   std::vector<DeadLetterPosition> positions) {
  std::sort(positions.begin(), positions.end());
  Result<std::vector<PartitionOffsets>> offsets = DlqOffsets(config);
  if (!offsets.ok()) return offsets.status();
  std::map<int32_t, PartitionOffsets> wanted;  // per partition: lowest to highest position
  for (const DeadLetterPosition& position : positions) {
    const auto partition =
        std::find_if(offsets->begin(), offsets->end(),
                     [&](const PartitionOffsets& p) { return p.partition == position.partition; });
    if (partition == offsets->end() || position.offset < partition->low ||
        position.offset >= partition->high) {
      std::string held = partition == offsets->end()
                             ? "no such partition"
                             : "partition " + std::to_string(position.partition) + " holds " +
                                   std::to_string(partition->low) + " to " +
                                   std::to_string(partition->high - 1);
      return Status::Error("no dead letter at " + FormatDeadLetterPosition(position) + " in " +
                           config.kafka_dlq_topic + " (" + held + "); see `la-admin dlq list`");
    }
    auto [entry, inserted] = wanted.try_emplace(
        position.partition,
        PartitionOffsets{position.partition, position.offset, position.offset + 1});
    entry->second.low = std::min(entry->second.low, position.offset);
    entry->second.high = std::max(entry->second.high, position.offset + 1);
  }
  std::vector<PartitionOffsets> ranges;
  for (const auto& [partition, range] : wanted) ranges.push_back(range);
  Result<std::vector<TopicRecord>> records =
      ReadRanges(config.kafka_brokers, config.kafka_dlq_topic, ranges, kReadTimeout);
  if (!records.ok()) return records.status();
  std::vector<TopicRecord> selected;
  for (TopicRecord& record : *records) {
    if (std::binary_search(positions.begin(), positions.end(),
                           DeadLetterPosition{record.partition, record.offset})) {
      selected.push_back(std::move(record));
    }
  }
  return selected;
}

HeaderPairs HeadersOf(const TopicRecord& record) {
  HeaderPairs pairs;
  for (const KafkaHeader& header : record.headers) pairs.emplace_back(header.name, header.value);
  return pairs;
}

std::string FormatTimestamp(int64_t ms_since_epoch) {
  if (ms_since_epoch < 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms_since_epoch % 1000));
  return std::string(text, length) + millis;
}

}  // namespace la::admin
