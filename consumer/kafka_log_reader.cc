#include "consumer/kafka_log_reader.h"

#include <set>
#include <utility>
#include <vector>

#include "adapters/kafka_topic_reader.h"

namespace la {

KafkaLogReader::KafkaLogReader(std::string brokers, std::string topic,
                               std::chrono::milliseconds timeout)
    : brokers_(std::move(brokers)), topic_(std::move(topic)), timeout_(timeout) {}

Result<LogReadout> KafkaLogReader::ReadAt(const std::map<int32_t, int64_t>& offsets) {
  std::set<int32_t> partitions;
  for (const auto& [partition, offset] : offsets) partitions.insert(partition);
  LogReadout readout;
  Result<std::vector<PartitionOffsets>> ranges =
      ReadSomePartitionOffsets(brokers_, topic_, partitions, timeout_, readout.unreadable);
  if (!ranges.ok()) return ranges.status();
  std::vector<PartitionOffsets> reads;  // [offset, offset + 1) where the offset is readable
  for (const PartitionOffsets& range : *ranges) {
    const int64_t offset = offsets.at(range.partition);
    readout.logs[range.partition] = {range.low, range.high, std::nullopt};
    if (range.low <= offset && offset < range.high) {
      reads.push_back({range.partition, offset, offset + 1});
    }
  }
  for (int32_t partition : partitions) {
    if (!readout.logs.contains(partition) && !readout.unreadable.contains(partition)) {
      readout.unreadable[partition] =
          "topic " + topic_ + " has no partition " + std::to_string(partition);
    }
  }
  std::set<int32_t> unfinished;
  Result<std::vector<TopicRecord>> records =
      ReadSomeRanges(brokers_, topic_, reads, timeout_, unfinished);
  if (!records.ok()) return records.status();
  for (const TopicRecord& record : *records) {
    readout.logs[record.partition].digest = MessageDigest(record.key, record.value);
  }
  for (int32_t partition : unfinished) {
    readout.logs.erase(partition);
    readout.unreadable[partition] =
        "its message at offset " + std::to_string(offsets.at(partition)) + " was not read within " +
        std::to_string(timeout_.count()) + " ms";
  }
  return readout;
}

}  // namespace la
