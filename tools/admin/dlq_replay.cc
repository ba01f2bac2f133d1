// la-admin dlq replay: re-produces the original key and bytes of dead letters to
// KAFKA_TOPIC, where the consumers count them (once: dedup) or dead-letter them
// again if they are still malformed.
#include <memory>

#include "adapters/kafka_producer.h"
#include "tools/admin/dead_letter_reader.h"
#include "tools/admin/dlq_commands.h"

namespace la::admin {

Status DlqReplay(const ToolConfig& config, const DlqReplayRequest& request, std::ostream& out) {
  Result<std::vector<TopicRecord>> letters =
      request.all ? ReadAllDeadLetters(config) : ReadDeadLettersAt(config, request.positions);
  if (!letters.ok()) return letters.status();
  if (request.dry_run) {
    for (const TopicRecord& letter : *letters) {
      out << "would replay " << FormatDeadLetterPosition({letter.partition, letter.offset})
          << " (key " << PreviewBytes(letter.key, 60) << ", " << letter.value.size()
          << " bytes) to " << config.kafka_topic << "\n";
    }
    out << letters->size() << " dead letters would be replayed (dry run: nothing sent)\n";
    return Status::Ok();
  }
  Result<std::unique_ptr<KafkaProducer>> producer =
      KafkaProducer::Create({.brokers = config.kafka_brokers,
                             .client_id = "la-admin-dlq-replay",
                             .compression = config.kafka_compression});
  if (!producer.ok()) return producer.status();
  size_t replayed = 0;
  for (const TopicRecord& letter : *letters) {
    const std::string from = FormatDeadLetterPosition({letter.partition, letter.offset});
    const DeliveryReport report =
        (*producer)->ProduceAndWait(config.kafka_topic, letter.key, letter.value);
    if (!report.status.ok()) {
      return Status::Error("replaying " + from + " failed after " + std::to_string(replayed) +
                           " of " + std::to_string(letters->size()) + " were replayed: " +
                           report.status.message() + "; running the same replay again is safe");
    }
    ++replayed;
    out << "replayed " << from << " -> " << config.kafka_topic << " " << report.partition << ":"
        << report.offset << "\n";
  }
  out << replayed << " dead letters replayed to " << config.kafka_topic << "\n";
  return Status::Ok();
}

}  // namespace la::admin
