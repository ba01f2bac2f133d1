// la-admin dlq show P:O: one dead letter in full (key, every header, the value).
#include "tools/admin/dead_letter_reader.h"
#include "tools/admin/dlq_commands.h"

namespace la::admin {

namespace {
// Enough for any event the api node accepts (bodies are bounded to 4 KiB by default).
constexpr size_t kValueChars = 1 << 16;
}  // namespace

Status DlqShow(const ToolConfig& config, const DeadLetterPosition& position, std::ostream& out) {
  Result<std::vector<TopicRecord>> letters = ReadDeadLettersAt(config, {position});
  if (!letters.ok()) return letters.status();
  if (letters->empty()) {
    return Status::Error("no dead letter could be read at " + FormatDeadLetterPosition(position));
  }
  const TopicRecord& letter = letters->front();
  out << "position:  " << config.kafka_dlq_topic << " " << FormatDeadLetterPosition(position)
      << "\n"
      << "time:      " << FormatTimestamp(letter.timestamp_ms) << "\n"
      << "key:       " << PreviewBytes(letter.key, kValueChars) << "\n";
  for (const KafkaHeader& header : letter.headers) {
    out << "header:    " << header.name << ": " << PreviewBytes(header.value, kValueChars) << "\n";
  }
  out << "value:     " << letter.value.size() << " bytes (non-ASCII bytes shown as \\xNN)\n"
      << PreviewBytes(letter.value, kValueChars) << "\n";
  return Status::Ok();
}

}  // namespace la::admin
