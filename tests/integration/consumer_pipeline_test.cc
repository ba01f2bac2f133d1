// The whole consumer against the real servers: the built la-consumer runs as a
// child process on a topic, group and database of its own (so a running
// cluster's consumers never see these events) and must count every distinct
// valid like exactly once, dead-letter the malformed messages, publish the
// totals, survive a Redis outage and flush on SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/kafka_admin.h"
#include "adapters/kafka_consumer.h"
#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "adapters/redis_client.h"
#include "core/counting/like_event.h"
#include "core/counting/partition_totals.h"
#include "core/counting/stream_document.h"
#include "core/realtime/stream_updates.h"
#include "tests/integration/http_client.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;
using Totals = std::map<std::string, int64_t>;
using Clock = std::chrono::steady_clock;

// A TCP port nobody listens on right now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// True if a child's wait status says it exited with code 0.
bool ExitedCleanly(int wait_status) {
  return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

// The full path of `program` found in PATH ("" if absent): ChildProcess execs paths.
std::string FindInPath(const std::string& program) {
  std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
  for (std::string dir; std::getline(path, dir, ':');) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// Collects the totals published on `stream-updates` for a set of streams.
class PublishedTotals {
 public:
  explicit PublishedTotals(std::string stream_prefix)
      : prefix_(std::move(stream_prefix)),
        subscriber_(*ParseRedisUrl(test::RedisUrl()), "stream-updates",
                    [this](const std::string& message) { Record(message); }) {
    for (int i = 0; i < 100 && !subscriber_.subscribed(); ++i) std::this_thread::sleep_for(50ms);
  }
  bool subscribed() const { return subscriber_.subscribed(); }
  // The highest total seen per stream of ours (totals only grow).
  Totals Latest() {
    std::lock_guard lock(mutex_);
    return latest_;
  }

 private:
  void Record(const std::string& message) {
    Result<std::vector<StreamTotal>> totals = ParseStreamTotals(message);
    if (!totals.ok()) return;
    std::lock_guard lock(mutex_);
    for (const StreamTotal& total : *totals) {
      if (total.stream_id.rfind(prefix_, 0) != 0) continue;  // another test's or the cluster's
      latest_[total.stream_id] = std::max(latest_[total.stream_id], total.likes);
    }
  }

  std::string prefix_;
  std::mutex mutex_;
  Totals latest_;
  RedisSubscriber subscriber_;
};

class ConsumerPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic_, 3}, {dlq_topic_, 1}}, 20s).ok());
    auto producer = KafkaProducer::Create({.brokers = test::KafkaBrokers()});
    ASSERT_TRUE(producer.ok()) << producer.status().message();
    producer_ = std::move(*producer);
    auto mongo = MongoClient::Create(test::MongoUri(), topic_);
    ASSERT_TRUE(mongo.ok()) << mongo.status().message();
    mongo_ = std::move(*mongo);
  }

  // The partition summaries (core/counting/partition_totals.h) as stored.
  std::vector<PartitionTotal> StoredSummaries() {
    std::vector<PartitionTotal> stored;
    auto summaries = mongo_->Find(kPartitionTotalsCollection, nlohmann::json::object());
    EXPECT_TRUE(summaries.ok()) << summaries.status().message();
    if (!summaries.ok()) return stored;
    for (const nlohmann::json& summary : *summaries) {
      Result<PartitionTotal> total = ParsePartitionTotal(summary);
      EXPECT_TRUE(total.ok()) << total.status().message();
      if (total.ok()) stored.push_back(*total);
    }
    return stored;
  }

  // The cluster totals the partition summaries hold equal the sums over the stream
  // documents: likes, and streams with a like. The summary is written just after the
  // stream documents of a flush, so this waits for it a little.
  void ExpectSummariesEqualTheStreams() {
    struct Sums {
      int64_t likes = 0, streams = 0;
      bool operator==(const Sums&) const = default;
    };
    Sums from_streams, from_summaries;
    for (auto deadline = Clock::now() + 10s; Clock::now() < deadline;) {
      auto documents = mongo_->Find(kStreamsCollection, nlohmann::json::object());
      ASSERT_TRUE(documents.ok()) << documents.status().message();
      from_streams = from_summaries = {};
      for (const nlohmann::json& document : *documents) {
        from_streams.likes += document["likes"].get<int64_t>();
        from_streams.streams += document["likes"].get<int64_t>() > 0 ? 1 : 0;
      }
      for (const PartitionTotal& total : StoredSummaries()) {
        from_summaries.likes += total.likes;
        from_summaries.streams += total.streams;
      }
      if (from_summaries == from_streams) break;
      std::this_thread::sleep_for(50ms);
    }
    EXPECT_GT(from_streams.likes, 0);
    EXPECT_EQ(from_summaries.likes, from_streams.likes);
    EXPECT_EQ(from_summaries.streams, from_streams.streams);
  }

  // la-consumer on this test's topic, group and database, flushing every 100 ms.
  std::unique_ptr<test::ChildProcess> StartConsumer(std::vector<std::string> extra_args = {},
                                                    std::map<std::string, std::string> env = {}) {
    std::vector<std::string> args = {"--kafka-brokers",     test::KafkaBrokers(),
                                     "--kafka-topic",       topic_,
                                     "--kafka-dlq-topic",   dlq_topic_,
                                     "--kafka-group",       topic_ + "-group",
                                     "--redis-url",         test::RedisUrl(),
                                     "--mongo-uri",         test::MongoUri(),
                                     "--mongo-database",    topic_,
                                     "--flush-interval-ms", "100"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::cout << "la-consumer log: " << log_path_ << "\n";
    // The crash hook exists only in la-consumer-test-hooks (never in la-consumer).
    const char* binary =
        env.contains("LA_TEST_CRASH_BEFORE_COMMIT") ? "la-consumer-test-hooks" : "la-consumer";
    return std::make_unique<test::ChildProcess>(test::BinaryDir() / "consumer" / binary, args, env,
                                                log_path_);
  }

  // Produces a like and, unless it repeats an eventId, expects it counted.
  DeliveryReport Like(const std::string& event_id, const std::string& stream) {
    const std::string value = EncodeLikeEvent({event_id, stream, "user-1", 1700000000000});
    DeliveryReport report = producer_->ProduceAndWait(topic_, stream, value);
    EXPECT_TRUE(report.status.ok()) << report.status.message();
    if (counted_events_.insert(event_id).second) ++expected_[stream];
    NoteOffset(report);
    return report;
  }

  void NoteOffset(const DeliveryReport& report) {
    next_offsets_[report.partition] = std::max(next_offsets_[report.partition], report.offset + 1);
  }

  Totals ReadTotals() {
    Totals totals;
    auto documents = mongo_->Find(kStreamsCollection, nlohmann::json::object());
    if (!documents.ok()) return totals;
    for (const nlohmann::json& d : *documents) {
      totals[d["_id"].get<std::string>()] = d["likes"].get<int64_t>();
    }
    return totals;
  }

  // Waits until `streams` holds exactly the expected totals; returns the last read.
  Totals WaitForExpectedTotals(std::chrono::seconds timeout) {
    Totals totals;
    for (auto deadline = Clock::now() + timeout; Clock::now() < deadline;) {
      totals = ReadTotals();
      if (totals == expected_) break;
      std::this_thread::sleep_for(100ms);
    }
    return totals;
  }

  const std::string topic_ = test::UniqueName("it-pipeline");
  const std::string dlq_topic_ = topic_ + "-dlq";
  const std::string stream_prefix_ = topic_ + "-stream-";
  const std::string log_path_ = "/tmp/" + topic_ + "-consumer.log";
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<MongoClient> mongo_;
  std::set<std::string> counted_events_;
  Totals expected_;
  std::map<int32_t, int64_t> next_offsets_;  // per partition, after the last produced message
};

TEST_F(ConsumerPipelineTest, CountsDistinctValidLikesDeadLettersTheRestAndPublishesTotals) {
  PublishedTotals published(stream_prefix_);
  ASSERT_TRUE(published.subscribed());

  std::vector<std::pair<std::string, std::string>> sent;  // (eventId, stream)
  for (int i = 0; i < 45; ++i) {
    sent.emplace_back(topic_ + "-event-" + std::to_string(i),
                      stream_prefix_ + std::to_string(i % 4));
    Like(sent.back().first, sent.back().second);
  }
  for (int i = 0; i < 45; i += 7) Like(sent[i].first, sent[i].second);  // client retries

  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"k1", "not json at all"},
      {"k2", R"({"eventId":"e1","type":"DISLIKE","streamId":"s","userId":"u","timeStamp":1})"},
      {"k3", R"({"eventId":"e2","type":"LIKE","userId":"u","timeStamp":1})"},
      {"k4", R"({"eventId":"e3","type":"LIKE","streamId":"bad id!","userId":"u","timeStamp":1})"},
      {"k5", R"({"eventId":7,"type":"LIKE","streamId":"s","userId":"u","timeStamp":1})"},
      {"k6", std::string(kMaxEventBytes + 100, 'x')},
  };
  std::map<std::pair<int32_t, int64_t>, std::pair<std::string, std::string>> malformed_at;
  for (const auto& [key, value] : malformed) {
    DeliveryReport report = producer_->ProduceAndWait(topic_, key, value);
    ASSERT_TRUE(report.status.ok()) << report.status.message();
    malformed_at[{report.partition, report.offset}] = {key, value};
    NoteOffset(report);
  }

  auto consumer = StartConsumer();
  EXPECT_EQ(WaitForExpectedTotals(30s), expected_);
  ExpectSummariesEqualTheStreams();

  // The dead-letter topic holds exactly the malformed messages, with headers.
  auto reader = KafkaConsumer::Create(
      {.brokers = test::KafkaBrokers(), .group = topic_ + "-dlq-reader", .topics = {dlq_topic_}},
      [](const RebalanceEvent&) {});
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  std::vector<KafkaMessage> letters;
  for (auto deadline = Clock::now() + 20s; Clock::now() < deadline;) {
    auto batch = (*reader)->Poll(100, 200ms);
    if (batch.ok()) letters.insert(letters.end(), batch->begin(), batch->end());
    if (letters.size() >= malformed.size()) deadline = std::min(deadline, Clock::now() + 1s);
  }
  ASSERT_EQ(letters.size(), malformed.size());
  for (const KafkaMessage& letter : letters) {
    std::map<std::string, std::string> headers;
    for (const KafkaHeader& h : letter.headers) headers[h.name] = h.value;
    EXPECT_EQ(headers["originalTopic"], topic_);
    EXPECT_FALSE(headers["error"].empty());
    const std::pair<int32_t, int64_t> position = {std::stoi(headers["originalPartition"]),
                                                  std::stoll(headers["originalOffset"])};
    ASSERT_TRUE(malformed_at.contains(position)) << letter.value;
    EXPECT_EQ(letter.key, malformed_at[position].first);
    EXPECT_EQ(letter.value, malformed_at[position].second);
  }

  // stream-updates carried the final totals.
  for (auto deadline = Clock::now() + 10s;
       published.Latest() != expected_ && Clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(published.Latest(), expected_);

  // SIGTERM: a clean exit that has committed everything it consumed.
  EXPECT_TRUE(ExitedCleanly(consumer->Stop(SIGTERM)));
  auto group_member = KafkaConsumer::Create(
      {.brokers = test::KafkaBrokers(), .group = topic_ + "-group", .topics = {topic_}},
      [](const RebalanceEvent&) {});
  ASSERT_TRUE(group_member.ok());
  auto committed = (*group_member)->Committed(topic_, {0, 1, 2}, 10s);
  ASSERT_TRUE(committed.ok()) << committed.status().message();
  for (const auto& [partition, next] : next_offsets_) EXPECT_EQ(committed->at(partition), next);
}

// An eventId names a like of one stream (docs/exactly-once.md): the same user's eventId on
// another stream is another like, counted there once. A userId holding ':' could share a
// dedup key with another user's like (user "a:b" + event "c", user "a" + event "b:c"): it
// is dead-lettered with the reason.
TEST_F(ConsumerPipelineTest, AnEventIdReusedOnAnotherStreamIsCountedAndAColonUserIdDeadLettered) {
  const std::string shared = topic_ + "-shared", first = stream_prefix_ + "0",
                    second = stream_prefix_ + "1", third = stream_prefix_ + "2";
  auto produce = [&](const std::string& event_id, const std::string& stream,
                     const std::string& user) {
    const DeliveryReport report = producer_->ProduceAndWait(
        topic_, stream, EncodeLikeEvent({event_id, stream, user, 1700000000000}));
    ASSERT_TRUE(report.status.ok()) << report.status.message();
    NoteOffset(report);
  };
  produce(shared, first, "user-1");
  produce(shared, second, "user-1");       // the same eventId on another stream: another like
  produce(shared, second, "user-1");       // a retry of that like
  const std::string user = topic_ + "-a";  // no other run's dedup keys
  produce("c", third, user + ":b");
  produce("b:c", third, user);
  expected_ = {{first, 1}, {second, 1}, {third, 1}};

  auto consumer = StartConsumer();
  EXPECT_EQ(WaitForExpectedTotals(30s), expected_);
  EXPECT_TRUE(ExitedCleanly(consumer->Stop(SIGTERM)));
  EXPECT_EQ(ReadTotals(), expected_) << "nothing more was counted";

  auto reader = KafkaConsumer::Create(
      {.brokers = test::KafkaBrokers(), .group = topic_ + "-dlq-reader", .topics = {dlq_topic_}},
      [](const RebalanceEvent&) {});
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  std::vector<KafkaMessage> letters;
  for (auto deadline = Clock::now() + 10s; letters.empty() && Clock::now() < deadline;) {
    auto batch = (*reader)->Poll(10, 200ms);
    if (batch.ok()) letters.insert(letters.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(letters.size(), 1u);
  std::map<std::string, std::string> headers;
  for (const KafkaHeader& h : letters[0].headers) headers[h.name] = h.value;
  EXPECT_EQ(headers["error"],
            "userId must be 1-128 characters of [A-Za-z0-9_.-] (no ':'), got \"" + user + ":b\"");
}

TEST_F(ConsumerPipelineTest, SigtermFlushesWhatIsBuffered) {
  for (int i = 0; i < 12; ++i)
    Like(topic_ + "-event-" + std::to_string(i), stream_prefix_ + std::to_string(i % 3));
  const int metrics_port = FreePort();
  // Nothing would be flushed for a minute without the signal.
  auto consumer = StartConsumer(
      {"--flush-interval-ms", "60000", "--metrics-port", std::to_string(metrics_port)});
  bool consumed = false;
  for (auto deadline = Clock::now() + 30s; !consumed && Clock::now() < deadline;) {
    consumed =
        test::Get(metrics_port, "/metrics").body.find("la_consumer_events_consumed_total 12\n") !=
        std::string::npos;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(consumed) << "the consumer did not report 12 consumed events";
  EXPECT_TRUE(ReadTotals().empty());

  EXPECT_TRUE(ExitedCleanly(consumer->Stop(SIGTERM)));
  EXPECT_EQ(ReadTotals(), expected_);
}

TEST_F(ConsumerPipelineTest, RetriesWhileRedisIsDownAndCountsOnceItIsBack) {
  const int redis_port = FreePort();
  const std::vector<std::string> redis_args = {
      "--port", std::to_string(redis_port), "--save", "", "--appendonly", "no"};
  const std::string redis_log = "/tmp/" + topic_ + "-redis.log";
  const std::string redis_server = FindInPath("redis-server");
  ASSERT_FALSE(redis_server.empty()) << "redis-server is not in PATH";
  auto start_redis = [&] {
    return std::make_unique<test::ChildProcess>(redis_server, redis_args,
                                                std::map<std::string, std::string>{}, redis_log);
  };
  auto redis = start_redis();
  RedisClient probe({.host = "127.0.0.1", .port = redis_port}, 1s);
  auto wait_for_redis = [&] {
    for (int i = 0; i < 100 && !probe.Command({"PING"}).ok(); ++i)
      std::this_thread::sleep_for(50ms);
  };
  wait_for_redis();

  auto consumer = StartConsumer({"--redis-url", "redis://127.0.0.1:" + std::to_string(redis_port)});
  for (int i = 0; i < 5; ++i) Like(topic_ + "-event-" + std::to_string(i), stream_prefix_ + "0");
  ASSERT_EQ(WaitForExpectedTotals(30s), expected_);

  redis->Stop(SIGKILL);
  for (int i = 5; i < 10; ++i) Like(topic_ + "-event-" + std::to_string(i), stream_prefix_ + "0");
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(ReadTotals(), (Totals{{stream_prefix_ + "0", 5}})) << "counted without dedup";
  EXPECT_TRUE(consumer->running()) << "the consumer gave up";

  redis = start_redis();
  wait_for_redis();
  EXPECT_EQ(WaitForExpectedTotals(30s), expected_);
  EXPECT_TRUE(ExitedCleanly(consumer->Stop(SIGTERM)));
}

// Likes over time.
// The per-minute and per-hour buckets change in the same compare-and-set update as
// `likes` and the watermarks: a consumer killed between that write and its commit
// replays the batch, and every minute still counts each like once.
TEST_F(ConsumerPipelineTest, AReplayAfterACrashCountsEachMinuteOnce) {
  using Buckets = std::map<int64_t, int64_t>;  // bucket index -> likes
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::map<std::string, Buckets> expected_minutes, expected_hours;
  auto like_at = [&](const std::string& event_id, const std::string& stream, int64_t at_ms) {
    const std::string value = EncodeLikeEvent({event_id, stream, "history-user", at_ms});
    const DeliveryReport report = producer_->ProduceAndWait(topic_, stream, value);
    ASSERT_TRUE(report.status.ok()) << report.status.message();
    NoteOffset(report);
    if (!counted_events_.insert(event_id).second) return;  // a retry: counted once
    ++expected_[stream];
    ++expected_minutes[stream][at_ms / 60'000];
    ++expected_hours[stream][at_ms / 3'600'000];
  };
  for (int i = 0; i < 24; ++i) {  // over the last 4 minutes, two streams
    like_at(topic_ + "-h" + std::to_string(i), stream_prefix_ + std::to_string(i % 2),
            now_ms - (i % 4) * 60'000 - 1000);
  }
  like_at(topic_ + "-h3", stream_prefix_ + "1", now_ms - 3 * 60'000 - 1000);  // a client retry

  // The first consumer applies the batch, then dies before committing it.
  auto crashing = StartConsumer({}, {{"LA_TEST_CRASH_BEFORE_COMMIT", "1"}});
  for (auto deadline = Clock::now() + 30s; crashing->running() && Clock::now() < deadline;) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(crashing->running()) << "the crash hook did not fire";
  EXPECT_FALSE(ReadTotals().empty()) << "the crash came before the first write";

  // The next one replays the same offsets, and counts later likes into existing buckets.
  auto consumer = StartConsumer();
  like_at(topic_ + "-late", stream_prefix_ + "0", now_ms);
  ASSERT_EQ(WaitForExpectedTotals(30s), expected_);
  EXPECT_TRUE(ExitedCleanly(consumer->Stop(SIGTERM)));
  ExpectSummariesEqualTheStreams();  // the crash came after the summaries were written

  auto documents = mongo_->Find(kStreamsCollection, nlohmann::json::object());
  ASSERT_TRUE(documents.ok()) << documents.status().message();
  ASSERT_EQ(documents->size(), 2u);
  for (const nlohmann::json& document : *documents) {
    const std::string stream = document["_id"].get<std::string>();
    auto buckets = [&](const char* field) {
      Buckets stored;
      for (const auto& [key, likes] : document[field].items()) {
        stored[std::stoll(key)] = likes.get<int64_t>();
      }
      return stored;
    };
    EXPECT_EQ(buckets("minutes"), expected_minutes[stream]) << stream;
    EXPECT_EQ(buckets("hours"), expected_hours[stream]) << stream;
  }
}
// --- end likes over time ---

// --- Kafka's offsets starting again ---
// The topic deleted and created again under a running consumer: the new log's offsets
// start again at 0, at or below the watermarks of the likes counted from the old one. No
// new like may be skipped without the consumer saying so (its partition halted: an error
// in its log, the metric la_consumer_partition_halted), and after the operator's
// `la-admin partitions rebase --replaced` each counts exactly once (docs/exactly-once.md,
// "When Kafka's offsets start again") — in the stream documents and in the cluster totals:
// the partition summaries, and what an api node that held the old log's summaries shows.
TEST_F(ConsumerPipelineTest, ATopicReCreatedUnderTheConsumerIsHaltedNotSkippedUntilTheReBase) {
  const int metrics_port = FreePort();
  auto consumer = StartConsumer({"--metrics-port", std::to_string(metrics_port)});
  // The partitions the consumer's /metrics shows halted.
  const auto halted_partitions = [&] {
    std::set<int32_t> halted;
    std::istringstream metrics(test::Get(metrics_port, "/metrics").body);
    const std::string prefix = "la_consumer_partition_halted{partition=\"";
    for (std::string line; std::getline(metrics, line);) {
      if (line.rfind(prefix, 0) == 0 && line.ends_with(" 1")) {
        halted.insert(std::stoi(line.substr(prefix.size())));
      }
    }
    return halted;
  };
  // `la-admin partitions ARGS...` on this test's topic and database: (exit code, output).
  int admin_runs = 0;
  const auto admin = [&](std::vector<std::string> args) {
    const std::string log = "/tmp/" + topic_ + "-admin-" + std::to_string(++admin_runs) + ".log";
    args.insert(args.begin(), "partitions");
    const std::vector<std::string> settings = {
        "--kafka-brokers", test::KafkaBrokers(), "--kafka-topic",    topic_,
        "--mongo-uri",     test::MongoUri(),     "--mongo-database", topic_};
    args.insert(args.end(), settings.begin(), settings.end());
    test::ChildProcess run(test::BinaryDir() / "tools" / "la-admin", args, {{"LA_DEV", "1"}}, log);
    for (auto deadline = Clock::now() + 60s; run.running() && Clock::now() < deadline;) {
      std::this_thread::sleep_for(50ms);
    }
    const int status = run.Stop(SIGKILL);
    std::ifstream output(log);
    std::stringstream text;
    text << output.rdbuf();
    return std::pair<int, std::string>{WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
  };

  std::vector<std::string> streams;
  for (int i = 0; i < 6; ++i) streams.push_back(stream_prefix_ + std::to_string(i));
  for (int i = 0; i < 60; ++i) Like(topic_ + "-old-" + std::to_string(i), streams[i % 6]);
  ASSERT_EQ(WaitForExpectedTotals(60s), expected_) << "the first likes were not counted";
  ExpectSummariesEqualTheStreams();
  // An api node's cluster totals (api/realtime/cluster_totals_feed.h) from the old log.
  PartitionTotalsView api_node;
  for (const PartitionTotal& summary : StoredSummaries()) api_node.Apply(summary);

  ASSERT_TRUE(DeleteTopics(test::KafkaBrokers(), {topic_}, 20s).ok());
  Status created = Status::Error("not tried");
  for (auto deadline = Clock::now() + 60s; Clock::now() < deadline;) {
    std::this_thread::sleep_for(500ms);  // Kafka refuses the name while the old topic goes
    created = EnsureTopics(test::KafkaBrokers(), {{topic_, 3}}, 20s);
    if (created.ok() && CountPartitions(test::KafkaBrokers(), topic_, 5s).ok()) break;
  }
  ASSERT_TRUE(created.ok()) << created.message();

  // New likes at offsets 0.. of the new log: at or below the old streams' watermarks.
  const Totals before = expected_;
  std::map<int32_t, Totals> new_likes;  // partition -> stream -> likes produced now
  for (int i = 0; i < 30; ++i) {
    const std::string& stream = streams[i % 6];
    ++new_likes[Like(topic_ + "-new-" + std::to_string(i), stream).partition][stream];
  }
  // Each partition's new likes are counted, or the partition is reported halted.
  std::set<int32_t> halted;
  Totals totals;
  const auto accounted_for = [&] {
    halted = halted_partitions();
    totals = ReadTotals();
    for (const auto& [partition, likes] : new_likes) {
      if (halted.contains(partition)) continue;
      for (const auto& [stream, count] : likes) {
        if (totals[stream] != before.at(stream) + count) return false;
      }
    }
    return true;
  };
  bool all_accounted_for = false;
  for (auto deadline = Clock::now() + 60s; !all_accounted_for && Clock::now() < deadline;) {
    all_accounted_for = accounted_for();
    if (!all_accounted_for) std::this_thread::sleep_for(200ms);
  }
  std::ostringstream shown;
  for (const auto& [stream, likes] : totals) shown << stream << "=" << likes << " ";
  ASSERT_TRUE(all_accounted_for) << "new likes were skipped without a word: no partition halted, "
                                 << "totals " << shown.str();
  ASSERT_FALSE(halted.empty()) << "no partition halted, yet every one had counted likes";
  for (int32_t partition : halted) {
    for (const auto& [stream, count] : new_likes[partition]) {
      EXPECT_EQ(totals[stream], before.at(stream)) << stream << " was counted before the re-base";
    }
  }
  std::ifstream consumer_log(log_path_);
  std::stringstream consumer_text;
  consumer_text << consumer_log.rdbuf();
  EXPECT_NE(consumer_text.str().find("is halted"), std::string::npos);

  // The operator looks, then re-bases; a second re-base finds nothing to do.
  const auto [status_exit, status_text] = admin({});
  EXPECT_EQ(status_exit, 0) << status_text;
  EXPECT_NE(status_text.find("REPLACED"), std::string::npos) << status_text;
  const auto [rebase_exit, rebase_text] = admin({"rebase", "--replaced"});
  ASSERT_EQ(rebase_exit, 0) << rebase_text;
  EXPECT_NE(rebase_text.find("re-based partition"), std::string::npos) << rebase_text;
  const auto [again_exit, again_text] = admin({"rebase", "--replaced"});
  EXPECT_EQ(again_exit, 0) << again_text;
  EXPECT_NE(again_text.find("nothing to re-base"), std::string::npos) << again_text;

  EXPECT_EQ(WaitForExpectedTotals(60s), expected_) << "after the re-base";
  for (auto deadline = Clock::now() + 10s;
       !halted_partitions().empty() && Clock::now() < deadline;) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(halted_partitions().empty());

  // Later likes, a client's retry of a new one, and streams first liked now: each counted
  // once, each new stream once in the cluster's streams.
  for (int i = 0; i < 12; ++i) Like(topic_ + "-later-" + std::to_string(i), streams[i % 6]);
  Like(topic_ + "-new-3", streams[3]);
  for (int i = 0; i < 3; ++i) Like(topic_ + "-first-" + std::to_string(i), stream_prefix_ + "n");
  EXPECT_EQ(WaitForExpectedTotals(30s), expected_) << "likes after the re-base";
  std::this_thread::sleep_for(1s);  // a second count of anything would show by now
  EXPECT_EQ(ReadTotals(), expected_);
  EXPECT_TRUE(ExitedCleanly(consumer->Stop(SIGTERM)));

  ExpectSummariesEqualTheStreams();
  int64_t likes = 0;
  for (const auto& [stream, count] : expected_) likes += count;
  for (const PartitionTotal& summary : StoredSummaries()) api_node.Apply(summary);
  const ClusterTotals cluster = api_node.Sum();
  EXPECT_EQ(cluster.likes, likes) << "by an api node that held the old log's summaries";
  EXPECT_EQ(cluster.streams, static_cast<int64_t>(expected_.size()))
      << "by an api node that held the old log's summaries";
}
// --- end Kafka's offsets starting again ---

}  // namespace
}  // namespace la
