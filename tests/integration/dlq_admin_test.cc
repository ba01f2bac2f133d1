// la-admin dlq against the real broker: list, show and replay dead letters as the
// consumer writes them (KafkaDeadLetterSink), on topics of the test's own. A
// replayed event goes back to the main topic with its original key and bytes,
// and replaying it twice still counts it once (the built la-consumer counts it).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/kafka_admin.h"
#include "adapters/kafka_producer.h"
#include "adapters/kafka_topic_reader.h"
#include "adapters/mongo_client.h"
#include "consumer/kafka_dead_letter_sink.h"
#include "core/counting/like_event.h"
#include "tests/integration/http_client.h"
#include "tests/integration/test_env.h"
#include "tools/admin/dlq_commands.h"

namespace la {
namespace {

using namespace std::chrono_literals;

class DlqAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic_, 2}, {dlq_topic_, 3}}, 20s).ok());
    auto producer = KafkaProducer::Create({.brokers = test::KafkaBrokers()});
    ASSERT_TRUE(producer.ok()) << producer.status().message();
    producer_ = std::move(*producer);
    config_.kafka_brokers = test::KafkaBrokers();
    config_.kafka_topic = topic_;
    config_.kafka_dlq_topic = dlq_topic_;
  }

  // Dead-letters (key, value) as the consumer does, as if read at `original_offset`
  // of partition 1 of the main topic; returns its position in the DLQ.
  DeadLetterPosition DeadLetter(const std::string& key, const std::string& value,
                                const std::string& reason, int64_t original_offset) {
    KafkaDeadLetterSink sink(*producer_, dlq_topic_);
    const LogMessage original{topic_, 1, original_offset, key, value};
    EXPECT_TRUE(sink.Send({original, reason}).ok());
    // The sink does not say where the letter went: it is the newest of its partition.
    Result<std::vector<PartitionOffsets>> offsets =
        ReadPartitionOffsets(test::KafkaBrokers(), dlq_topic_, 10s);
    EXPECT_TRUE(offsets.ok());
    Result<std::vector<TopicRecord>> all =
        ReadRanges(test::KafkaBrokers(), dlq_topic_, *offsets, 20s);
    EXPECT_TRUE(all.ok());
    for (const TopicRecord& record : *all) {
      if (record.key == key) return {record.partition, record.offset};
    }
    ADD_FAILURE() << "dead letter " << key << " not found";
    return {};
  }

  // Every message of the main topic.
  std::vector<TopicRecord> MainTopic() {
    Result<std::vector<PartitionOffsets>> offsets =
        ReadPartitionOffsets(test::KafkaBrokers(), topic_, 10s);
    EXPECT_TRUE(offsets.ok()) << offsets.status().message();
    Result<std::vector<TopicRecord>> records =
        ReadRanges(test::KafkaBrokers(), topic_, *offsets, 20s);
    EXPECT_TRUE(records.ok()) << records.status().message();
    return records.ok() ? *records : std::vector<TopicRecord>{};
  }

  std::string Run(const std::vector<std::string>& command_line, Status* status = nullptr) {
    std::vector<std::string> args = command_line;
    Result<admin::DlqCommand> command = admin::TakeDlqCommand(args);
    EXPECT_TRUE(command.ok()) << command.status().message();
    EXPECT_TRUE(args.empty());
    std::ostringstream out;
    const Status done = admin::RunDlq(config_, *command, out);
    if (status) {
      *status = done;
    } else {
      EXPECT_TRUE(done.ok()) << done.message();  // printed on failure
    }
    return out.str();
  }

  const std::string topic_ = test::UniqueName("it-dlq");
  const std::string dlq_topic_ = topic_ + "-dlq";
  std::unique_ptr<KafkaProducer> producer_;
  ToolConfig config_;
};

TEST_F(DlqAdminTest, ListShowsTheNewestWithPositionOriginErrorAndPreview) {
  EXPECT_NE(Run({"list"}).find(dlq_topic_ + ": 0 dead letters"), std::string::npos);
  const DeadLetterPosition first = DeadLetter("k-first", "not json", "not JSON: first", 10);
  std::this_thread::sleep_for(5ms);  // distinct timestamps order the list
  const DeadLetterPosition second = DeadLetter("k-second", "{\"type\":\"X\"}", "bad type", 11);
  std::this_thread::sleep_for(5ms);
  const DeadLetterPosition third = DeadLetter("k-third", "caf\xc3\xa9", "not JSON: third", 12);

  const std::string all = Run({"list"});
  EXPECT_NE(all.find(dlq_topic_ + ": 3 dead letters\n"), std::string::npos) << all;
  const size_t at_first = all.find(FormatDeadLetterPosition(first) + "\t");
  const size_t at_third = all.find(FormatDeadLetterPosition(third) + "\t");
  ASSERT_NE(at_first, std::string::npos) << all;
  ASSERT_NE(at_third, std::string::npos) << all;
  EXPECT_LT(at_first, at_third) << "oldest first";
  EXPECT_NE(all.find("\t" + topic_ + "/1@10\tnot JSON: first\tnot json\n"), std::string::npos)
      << all;
  EXPECT_NE(all.find("\tcaf\\xc3\\xa9\n"), std::string::npos) << all;

  const std::string newest = Run({"list", "--limit", "2"});
  EXPECT_NE(newest.find("3 dead letters, the newest 2 below"), std::string::npos) << newest;
  EXPECT_EQ(newest.find(FormatDeadLetterPosition(first) + "\t"), std::string::npos) << newest;
  EXPECT_NE(newest.find(FormatDeadLetterPosition(second) + "\t"), std::string::npos) << newest;
  EXPECT_NE(newest.find(FormatDeadLetterPosition(third) + "\t"), std::string::npos) << newest;
}

TEST_F(DlqAdminTest, ShowPrintsKeyEveryHeaderAndTheValue) {
  const DeadLetterPosition at = DeadLetter("k-show", "{\"eventId\":7}", "eventId must be text", 42);
  const std::string shown = Run({"show", FormatDeadLetterPosition(at)});
  EXPECT_NE(shown.find("key:       k-show\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("header:    error: eventId must be text\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("header:    originalTopic: " + topic_ + "\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("header:    originalPartition: 1\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("header:    originalOffset: 42\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("13 bytes"), std::string::npos) << shown;
  EXPECT_NE(shown.find("\n{\"eventId\":7}\n"), std::string::npos) << shown;

  Status missing = Status::Ok();
  Run({"show", std::to_string(at.partition) + ":" + std::to_string(at.offset + 100)}, &missing);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("no dead letter at"), std::string::npos) << missing.message();
}

TEST_F(DlqAdminTest, ReplayReproducesOriginalKeyAndBytesAndADryRunSendsNothing) {
  const std::string bytes = "{\"raw\":\"\x01\xff\"}";  // not UTF-8 on purpose
  const DeadLetterPosition a = DeadLetter("k-a", bytes, "not a like", 1);
  const DeadLetterPosition b = DeadLetter("k-b", "second", "not a like", 2);

  const std::string dry = Run({"replay", "--all", "--dry-run"});
  EXPECT_NE(dry.find("2 dead letters would be replayed (dry run: nothing sent)"), std::string::npos)
      << dry;
  EXPECT_TRUE(MainTopic().empty());

  const std::string replayed = Run({"replay", "--offsets", FormatDeadLetterPosition(a)});
  EXPECT_NE(replayed.find("1 dead letters replayed to " + topic_), std::string::npos) << replayed;
  std::vector<TopicRecord> main = MainTopic();
  ASSERT_EQ(main.size(), 1u);
  EXPECT_EQ(main[0].key, "k-a");
  EXPECT_EQ(main[0].value, bytes);
  EXPECT_TRUE(main[0].headers.empty());

  Run({"replay", "--offsets", FormatDeadLetterPosition(a) + "," + FormatDeadLetterPosition(b)});
  main = MainTopic();
  ASSERT_EQ(main.size(), 3u);
  std::multiset<std::string> keys;
  for (const TopicRecord& record : main) keys.insert(record.key);
  EXPECT_EQ(keys, (std::multiset<std::string>{"k-a", "k-a", "k-b"}));
}

TEST_F(DlqAdminTest, AValidEventReplayedTwiceIsCountedOnce) {
  const std::string stream = topic_ + "-stream";
  const std::string value = EncodeLikeEvent({topic_ + "-event", stream, "dlq-user", 1700000000000});
  const DeadLetterPosition at =
      DeadLetter(stream, value, "MongoDB was down (an older consumer)", 5);
  Run({"replay", "--offsets", FormatDeadLetterPosition(at)});
  Run({"replay", "--offsets", FormatDeadLetterPosition(at)});
  ASSERT_EQ(MainTopic().size(), 2u);

  test::ChildProcess consumer(
      test::BinaryDir() / "consumer" / "la-consumer",
      {"--kafka-brokers", test::KafkaBrokers(), "--kafka-topic", topic_, "--kafka-dlq-topic",
       dlq_topic_, "--kafka-group", topic_ + "-group", "--redis-url", test::RedisUrl(),
       "--mongo-uri", test::MongoUri(), "--mongo-database", topic_, "--flush-interval-ms", "100"},
      {}, "/tmp/" + topic_ + "-consumer.log");
  auto mongo = MongoClient::Create(test::MongoUri(), topic_);
  ASSERT_TRUE(mongo.ok()) << mongo.status().message();
  int64_t likes = -1;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       likes < 1 && std::chrono::steady_clock::now() < deadline;) {
    auto documents = (*mongo)->Find("streams", {{"_id", stream}});
    if (documents.ok() && !documents->empty()) likes = (*documents)[0]["likes"].get<int64_t>();
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(1s);  // a second copy, were it counted, would be by now
  auto documents = (*mongo)->Find("streams", {{"_id", stream}});
  ASSERT_TRUE(documents.ok() && documents->size() == 1u);
  EXPECT_EQ((*documents)[0]["likes"].get<int64_t>(), 1);
}

}  // namespace
}  // namespace la
