// la-admin dlq list [--limit N]: one line per dead letter, newest last.
#include "tools/admin/dead_letter_reader.h"
#include "tools/admin/dlq_commands.h"

namespace la::admin {

namespace {
constexpr size_t kPreviewChars = 60;
constexpr size_t kErrorChars = 80;
}  // namespace

Status DlqList(const ToolConfig& config, size_t limit, std::ostream& out) {
  Result<NewestDeadLetters> newest = ReadNewestDeadLetters(config, limit);
  if (!newest.ok()) return newest.status();
  out << config.kafka_dlq_topic << ": " << newest->total << " dead letters";
  if (newest->total > static_cast<int64_t>(newest->letters.size())) {
    out << ", the newest " << newest->letters.size() << " below (--limit N for more)";
  }
  out << "\n";
  if (newest->letters.empty()) return Status::Ok();
  out << "POSITION\tTIME\tORIGINAL\tERROR\tVALUE\n";
  for (const TopicRecord& letter : newest->letters) {
    const HeaderPairs headers = HeadersOf(letter);
    out << FormatDeadLetterPosition({letter.partition, letter.offset}) << "\t"
        << FormatTimestamp(letter.timestamp_ms) << "\t" << HeaderValue(headers, "originalTopic")
        << "/" << HeaderValue(headers, "originalPartition") << "@"
        << HeaderValue(headers, "originalOffset") << "\t"
        << PreviewBytes(HeaderValue(headers, "error"), kErrorChars) << "\t"
        << PreviewBytes(letter.value, kPreviewChars) << "\n";
  }
  return Status::Ok();
}

}  // namespace la::admin
