// The consumer's store implementations against the real servers: dedup claims
// in Redis, compare-and-set counters and a re-base's writes in MongoDB (FerretDB
// here), dead letters in Kafka and totals published on Redis.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "adapters/kafka_admin.h"
#include "adapters/kafka_consumer.h"
#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "adapters/redis_client.h"
#include "consumer/kafka_dead_letter_sink.h"
#include "consumer/mongo_anchor_store.h"
#include "consumer/mongo_counter_store.h"
#include "consumer/mongo_partition_totals_store.h"
#include "consumer/redis_dedup_store.h"
#include "consumer/redis_update_publisher.h"
#include "core/counting/dedup_decision.h"
#include "core/counting/partition_totals.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;

RedisAddress Redis() { return *ParseRedisUrl(test::RedisUrl()); }

TEST(RedisDedupStoreTest, FirstPositionWinsAndIsFoundAgainOnReplay) {
  RedisClient redis(Redis(), 2s);
  RedisDedupStore store(redis, 60s);
  const std::string event = test::UniqueName("it-dedup");
  const std::vector<DedupClaim> batch = {
      {DedupKey("u1", event), "3:10"},
      {DedupKey("u1", event), "3:11"},
      {DedupKey("u1", event + "-other"), "3:12"},
      {DedupKey("u2", event), "3:13"}};  // another user's event with the same id is its own

  auto first = store.Claim(batch);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(*first, (std::vector<std::optional<std::string>>{std::nullopt, "3:10", std::nullopt,
                                                             std::nullopt}));

  // A replay of the same batch finds every event's first position.
  auto replay = store.Claim(batch);
  ASSERT_TRUE(replay.ok()) << replay.status().message();
  EXPECT_EQ(*replay, (std::vector<std::optional<std::string>>{"3:10", "3:10", "3:12", "3:13"}));

  auto ttl = redis.Command({"TTL", "dedup:u1:" + event});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, 60);

  // A stream key's claim restarts the time to live of the key it extends.
  RedisDedupStore longer(redis, 600s);
  const DedupClaim on_stream{StreamDedupKey("u1", event, "s2"), "3:14", DedupKey("u1", event)};
  auto claimed = longer.Claim(std::span(&on_stream, 1));
  ASSERT_TRUE(claimed.ok()) << claimed.status().message();
  EXPECT_EQ(*claimed, (std::vector<std::optional<std::string>>{std::nullopt}));
  for (const std::string& key : {DedupKey("u1", event), on_stream.key}) {
    ttl = redis.Command({"TTL", key});
    ASSERT_TRUE(ttl.ok());
    EXPECT_GT(ttl->integer, 60) << key;
  }
}

class MongoCounterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mongo = MongoClient::Create(test::MongoUri(), test::UniqueName("it-counters"));
    ASSERT_TRUE(mongo.ok()) << mongo.status().message();
    mongo_ = std::move(*mongo);
    store_ = std::make_unique<MongoCounterStore>(*mongo_);
  }

  // A new document for `stream` with `likes` and wm.<partition> = offset.
  static StreamUpdate Create(const std::string& stream, int32_t partition, int64_t offset,
                             int64_t likes) {
    return {stream, false, 0, {{partition, std::nullopt, offset}}, likes, likes};
  }

  StreamState StateOf(const std::string& stream) {
    auto states = store_->Read(std::vector<std::string>{stream});
    EXPECT_TRUE(states.ok()) << states.status().message();
    return states.ok() && states->contains(stream) ? states->at(stream) : StreamState{-1, {}};
  }

  std::unique_ptr<MongoClient> mongo_;
  std::unique_ptr<MongoCounterStore> store_;
};

TEST_F(MongoCounterStoreTest, CreatesReadsAndUpdatesByCompareAndSet) {
  auto created = store_->Apply(std::vector<StreamUpdate>{Create("s1", 2, 40, 5)});
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(*created, std::vector<UpdateOutcome>{UpdateOutcome::kApplied});
  StreamState s1 = StateOf("s1");
  EXPECT_EQ(s1.likes, 5);
  EXPECT_EQ(s1.watermarks, (std::map<int32_t, int64_t>{{2, 40}}));

  // Moves wm.2 and adds a first watermark for partition 7, in one update.
  const StreamUpdate update{"s1", true, 5, {{2, 40, 45}, {7, std::nullopt, 3}}, 4, 9};
  auto applied = store_->Apply(std::vector<StreamUpdate>{update});
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(*applied, std::vector<UpdateOutcome>{UpdateOutcome::kApplied});
  s1 = StateOf("s1");
  EXPECT_EQ(s1.likes, 9);
  EXPECT_EQ(s1.watermarks, (std::map<int32_t, int64_t>{{2, 45}, {7, 3}}));

  // The same update again matches nothing and changes nothing; the document
  // already holds the state it was to produce, so it counts as applied.
  auto replayed = store_->Apply(std::vector<StreamUpdate>{update});
  ASSERT_TRUE(replayed.ok()) << replayed.status().message();
  EXPECT_EQ(*replayed, std::vector<UpdateOutcome>{UpdateOutcome::kApplied});
  EXPECT_EQ(StateOf("s1").likes, 9);

  // An update planned on a stale read changes nothing and is reported.
  const StreamUpdate stale{"s1", true, 5, {{2, 45, 50}}, 1, 6};
  auto conflicted = store_->Apply(std::vector<StreamUpdate>{stale});
  ASSERT_TRUE(conflicted.ok()) << conflicted.status().message();
  EXPECT_EQ(*conflicted, std::vector<UpdateOutcome>{UpdateOutcome::kStateChanged});
  EXPECT_EQ(StateOf("s1").likes, 9);
}

// Likes over time.
// The history buckets ride on the compare-and-set update: created with the
// document, incremented and expired ($unset) by the update, and read back.
TEST_F(MongoCounterStoreTest, HistoryBucketsAreCreatedIncrementedAndExpiredByTheSameUpdate) {
  StreamUpdate create = Create("s1", 0, 1, 3);
  create.history.minute_increments = {{1000, 2}, {1001, 1}};
  create.history.hour_increments = {{16, 3}};
  ASSERT_TRUE(store_->Apply(std::vector<StreamUpdate>{create}).ok());
  EXPECT_EQ(StateOf("s1").history, (HistoryBuckets{{1000, 1001}, {16}}));

  StreamUpdate update{"s1", true, 3, {{0, 1, 2}}, 1, 4};
  update.history.minute_increments = {{1001, 1}};
  update.history.hour_increments = {{16, 1}};
  update.history.minute_removals = {1000};
  auto applied = store_->Apply(std::vector<StreamUpdate>{update});
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(*applied, std::vector<UpdateOutcome>{UpdateOutcome::kApplied});
  EXPECT_EQ(StateOf("s1").history, (HistoryBuckets{{1001}, {16}}));

  auto documents = mongo_->Find(kStreamsCollection, {{"_id", "s1"}});
  ASSERT_TRUE(documents.ok() && documents->size() == 1u);
  EXPECT_EQ((*documents)[0]["minutes"], (nlohmann::json{{"1001", 2}}));
  EXPECT_EQ((*documents)[0]["hours"], (nlohmann::json{{"16", 4}}));
  EXPECT_EQ((*documents)[0]["likes"], 4);
}
// --- end likes over time ---

TEST_F(MongoCounterStoreTest, CreatingAnExistingDocumentIsAStateChange) {
  ASSERT_TRUE(store_->Apply(std::vector<StreamUpdate>{Create("s1", 0, 1, 1)}).ok());
  auto outcomes =
      store_->Apply(std::vector<StreamUpdate>{Create("s1", 0, 9, 3), Create("s2", 0, 2, 1)});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().message();
  EXPECT_EQ(*outcomes,
            (std::vector<UpdateOutcome>{UpdateOutcome::kStateChanged, UpdateOutcome::kApplied}));
  EXPECT_EQ(StateOf("s1").likes, 1);
  EXPECT_EQ(StateOf("s2").likes, 1);
}

TEST_F(MongoCounterStoreTest, AppliesMoreUpdatesThanOneCommandHolds) {
  // Far more than kUpdatesPerCommand, and more than the ~100 statements that
  // hang a single FerretDB update command.
  const int streams = 130;
  std::vector<StreamUpdate> creates, updates;
  for (int i = 0; i < streams; ++i) {
    const std::string id = "s" + std::to_string(i);
    creates.push_back(Create(id, 1, 10, 1));
    updates.push_back({id, true, 1, {{1, 10, 20}}, 2, 3});
  }
  ASSERT_TRUE(store_->Apply(creates).ok());
  updates[7].expected_likes = 99;  // one stale expectation among them
  auto outcomes = store_->Apply(updates);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().message();
  for (int i = 0; i < streams; ++i) {
    EXPECT_EQ((*outcomes)[i], i == 7 ? UpdateOutcome::kStateChanged : UpdateOutcome::kApplied) << i;
  }
  auto states = store_->Read(std::vector<std::string>{"s0", "s7", "s129"});
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(states->at("s0").likes, 3);
  EXPECT_EQ(states->at("s7").likes, 1);
  EXPECT_EQ(states->at("s129").likes, 3);
}

// One writer of the race below: applies to each of its streams a compare-and-set that adds
// one like and advances the writer's own watermark (wm.<partition>), and counts the updates
// the store reports applied. It reads the first stream before every round; the others,
// which only it writes, it reads again only after a miss.
class RacingWriter {
 public:
  RacingWriter(const std::string& database, int32_t partition, std::vector<std::string> streams)
      : partition_(partition), streams_(std::move(streams)) {
    auto mongo = MongoClient::Create(test::MongoUri(), database);  // a pool of its own
    EXPECT_TRUE(mongo.ok()) << mongo.status().message();
    mongo_ = std::move(*mongo);
    store_ = std::make_unique<MongoCounterStore>(*mongo_);
  }

  // One read, then one Apply of an update per stream, in the order given.
  void Round() {
    known_.erase(streams_.front());
    std::vector<std::string> unknown;
    for (const std::string& stream : streams_) {
      if (!known_.contains(stream)) unknown.push_back(stream);
    }
    auto states = store_->Read(unknown);
    ASSERT_TRUE(states.ok()) << states.status().message();
    known_.insert(states->begin(), states->end());
    std::vector<StreamUpdate> updates;
    for (const std::string& stream : streams_) {
      const StreamState& state = known_.at(stream);
      const auto wm = state.watermarks.find(partition_);
      const std::optional<int64_t> expected =
          wm == state.watermarks.end() ? std::nullopt : std::optional<int64_t>(wm->second);
      updates.push_back({stream,
                         true,
                         state.likes,
                         {{partition_, expected, expected.value_or(0) + 1}},
                         1,
                         state.likes + 1});
    }
    auto outcomes = store_->Apply(updates);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().message();
    for (size_t i = 0; i < updates.size(); ++i) {
      const StreamUpdate& update = updates[i];
      if ((*outcomes)[i] == UpdateOutcome::kApplied) {
        ++applied[update.stream_id];
        StreamState& state = known_.at(update.stream_id);
        state.likes = update.new_likes;
        state.watermarks[partition_] = update.advances.front().next;
      } else {
        ++missed[update.stream_id];
        known_.erase(update.stream_id);
      }
    }
  }

  std::map<std::string, int64_t> applied, missed;

 private:
  const int32_t partition_;
  const std::vector<std::string> streams_;
  std::unique_ptr<MongoClient> mongo_;
  std::unique_ptr<MongoCounterStore> store_;
  StreamStates known_;
};

// Two consumers writing one stream document at once (a zombie that has not yet noticed that
// its partitions moved). The local FerretDB writes an update command's documents at the
// end of the command: the first writer's update of "hot" leads a command of 300 more
// statements, so the second writer, updating "hot" alone in a loop, commits changes
// between the first one's read of "hot" and its write. Every update reported applied must
// be in the final totals; a deferred write that overwrote the other writer's change would
// lose that change's like.
TEST_F(MongoCounterStoreTest, TwoWritersOfOneDocumentNeverOverwriteEachOther) {
  std::vector<StreamUpdate> creates{Create("hot", 9, 0, 0)};
  std::vector<std::string> long_command{"hot"};
  for (int i = 0; i < 300; ++i) {
    long_command.push_back("cold-" + std::to_string(i));
    creates.push_back(Create(long_command.back(), 9, 0, 0));
  }
  ASSERT_TRUE(store_->Apply(creates).ok());

  RacingWriter slow(mongo_->database(), 0, long_command), fast(mongo_->database(), 1, {"hot"});
  std::atomic<bool> done{false};
  std::thread hammer([&] {
    while (!done) fast.Round();
  });
  for (int round = 0; round < 15; ++round) slow.Round();
  done = true;
  hammer.join();
  std::printf(
      "[ info ] \"hot\" updates applied %lld + %lld, missed %lld + %lld\n",
      static_cast<long long>(slow.applied["hot"]), static_cast<long long>(fast.applied["hot"]),
      static_cast<long long>(slow.missed["hot"]), static_cast<long long>(fast.missed["hot"]));

  EXPECT_EQ(StateOf("hot").likes, slow.applied["hot"] + fast.applied["hot"])
      << "updates reported applied were lost; applied " << slow.applied["hot"] << " + "
      << fast.applied["hot"] << ", missed " << slow.missed["hot"] << " + " << fast.missed["hot"];
  EXPECT_GT(slow.missed["hot"], 0) << "the writers never raced: this run proves nothing";
  auto cold = store_->Read(std::vector<std::string>(long_command.begin() + 1, long_command.end()));
  ASSERT_TRUE(cold.ok());
  for (const auto& [stream, state] : *cold) EXPECT_EQ(state.likes, 15) << stream;
}

// A statement that fails (here $inc on a string) is reported as MongoDB reports it: a write
// error with that statement's index, the other statements' counts in n, the statements
// before it applied, and those after it applied too unless the command is ordered.
TEST_F(MongoCounterStoreTest, AFailingStatementIsAWriteErrorWithItsIndex) {
  ASSERT_TRUE(mongo_
                  ->BulkInsert("docs", {{{"_id", "a"}, {"n", 1}},
                                        {{"_id", "b"}, {"n", "text"}},
                                        {{"_id", "c"}, {"n", 1}}})
                  .ok());
  const std::vector<MongoUpdate> updates = {{{{"_id", "a"}}, {{"$inc", {{"n", 1}}}}, false},
                                            {{{"_id", "b"}}, {{"$inc", {{"n", 1}}}}, false},
                                            {{{"_id", "c"}}, {{"$inc", {{"n", 1}}}}, false}};
  auto n_of = [&](const std::string& id) {
    auto found = mongo_->Find("docs", {{"_id", id}});
    EXPECT_TRUE(found.ok() && found->size() == 1u);
    return found.ok() && found->size() == 1u ? (*found)[0]["n"] : nlohmann::json();
  };

  Result<MongoBulkResult> unordered = mongo_->BulkUpdate("docs", updates, /*ordered=*/false);
  ASSERT_TRUE(unordered.ok()) << unordered.status().message();
  EXPECT_EQ(unordered->matched, 2);
  EXPECT_EQ(unordered->modified, 2);
  ASSERT_EQ(unordered->write_errors.size(), 1u);
  EXPECT_EQ(unordered->write_errors[0].index, 1u);
  EXPECT_NE(unordered->write_errors[0].code, 0);
  EXPECT_NE(unordered->write_errors[0].message, "");
  EXPECT_EQ(n_of("a"), 2);
  EXPECT_EQ(n_of("b"), "text");
  EXPECT_EQ(n_of("c"), 2);

  Result<MongoBulkResult> ordered = mongo_->BulkUpdate("docs", updates, /*ordered=*/true);
  ASSERT_TRUE(ordered.ok()) << ordered.status().message();
  EXPECT_EQ(ordered->matched, 1);
  ASSERT_EQ(ordered->write_errors.size(), 1u);
  EXPECT_EQ(ordered->write_errors[0].index, 1u);
  EXPECT_EQ(n_of("a"), 3);
  EXPECT_EQ(n_of("c"), 2) << "an ordered command stops at the failing statement";
}

// `la-admin partitions rebase` (docs/exactly-once.md, "When Kafka's offsets start again")
// in MongoDB: a replaced partition's summary gets its wm moved back to where the new log
// is counted from, keeping its likes and streams; a partition without one gets it summed
// from the stream documents first; then the streams' watermarks of the partition move
// and their `firstLike` positions in the old log are forgotten.
TEST_F(MongoCounterStoreTest, TheStreamsOfSeveralPartitionsAreReadTogether) {
  StreamUpdate s1 = Create("s1", 0, 10, 5), s2 = Create("s2", 0, 7, 3), s3 = Create("s3", 2, 3, 4);
  s2.advances.push_back({1, std::nullopt, 2});  // on partitions 0 and 1: listed under both
  auto created = store_->Apply(std::vector<StreamUpdate>{s1, s2, s3});
  ASSERT_TRUE(created.ok()) << created.status().message();
  MongoPartitionTotalsStore summaries(*mongo_);

  const int32_t wanted[] = {0, 1, 3};
  auto streams = summaries.StreamsOnPartitions(wanted);
  ASSERT_TRUE(streams.ok()) << streams.status().message();
  ASSERT_EQ(streams->size(), 3u) << "every partition asked for is a key";
  std::multiset<int64_t> likes_on_0;
  for (const StreamOnPartition& stream : streams->at(0)) likes_on_0.insert(stream.likes);
  EXPECT_EQ(likes_on_0, (std::multiset<int64_t>{3, 5}));
  ASSERT_EQ(streams->at(1).size(), 1u);
  EXPECT_EQ(streams->at(1)[0].likes, 3);
  EXPECT_EQ(streams->at(1)[0].watermarks, (std::map<int32_t, int64_t>{{0, 7}, {1, 2}}));
  EXPECT_TRUE(streams->at(3).empty()) << "no stream has a watermark on partition 3";
}

TEST_F(MongoCounterStoreTest, AReBaseMovesTheSummaryAndTheStreamsWatermarksBack) {
  StreamUpdate s1 = Create("s1", 0, 10, 5), s2 = Create("s2", 0, 7, 3), s3 = Create("s3", 1, 3, 4);
  s1.first_like = LikePosition{0, 2};
  s2.advances.push_back({1, std::nullopt, 2});  // on two partitions: summed in its lowest
  s2.first_like = LikePosition{0, 5};
  s3.first_like = LikePosition{1, 0};
  auto created = store_->Apply(std::vector<StreamUpdate>{s1, s2, s3});
  ASSERT_TRUE(created.ok()) << created.status().message();
  MongoPartitionTotalsStore summaries(*mongo_);
  auto existing = summaries.Create({1, 9, 2, 20});
  ASSERT_TRUE(existing.ok() && *existing);

  // Partition 0 had no summary: summed from the streams, counted from offset 0.
  auto rebased = summaries.Rebase(0, 0);
  ASSERT_TRUE(rebased.ok()) << rebased.status().message();
  EXPECT_EQ(*rebased, (PartitionTotal{0, 8, 2, -1}));
  // Partition 1 had one: its wm moves below the re-base's offset, once.
  rebased = summaries.Rebase(1, 5);
  ASSERT_TRUE(rebased.ok()) << rebased.status().message();
  EXPECT_EQ(*rebased, (PartitionTotal{1, 9, 2, 4}));
  rebased = summaries.Rebase(1, 5);
  ASSERT_TRUE(rebased.ok()) << rebased.status().message();
  EXPECT_EQ(*rebased, (PartitionTotal{1, 9, 2, 4})) << "a second run changes nothing";
  const int32_t both[] = {0, 1};
  auto stored = summaries.Read(both);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, (std::map<int32_t, PartitionTotal>{{0, {0, 8, 2, -1}}, {1, {1, 9, 2, 4}}}));

  MongoAnchorStore anchors(*mongo_, "it-topic");
  auto moved = anchors.RebaseWatermarks(0, 0);
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_EQ(*moved, 2);
  EXPECT_EQ(StateOf("s1").watermarks, (std::map<int32_t, int64_t>{}));
  EXPECT_EQ(StateOf("s1").first_like, std::nullopt);
  EXPECT_EQ(StateOf("s2").watermarks, (std::map<int32_t, int64_t>{{1, 2}}));
  EXPECT_EQ(StateOf("s2").first_like, std::nullopt);
  EXPECT_EQ(StateOf("s3").watermarks, (std::map<int32_t, int64_t>{{1, 3}})) << "another partition";
  EXPECT_EQ(StateOf("s3").first_like, (LikePosition{1, 0}));
  EXPECT_EQ(StateOf("s3").likes, 4);
}

TEST(KafkaDeadLetterSinkTest, KeepsKeyAndBytesAndAddsTheHeaders) {
  const std::string topic = test::UniqueName("it-dlq");
  ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic, 1}}, 10s).ok());
  auto producer = KafkaProducer::Create({.brokers = test::KafkaBrokers()});
  ASSERT_TRUE(producer.ok());
  KafkaDeadLetterSink sink(**producer, topic);
  const DeadLetter letter{{"engagement-events", 4, 1234, "key-1", "not json"}, "not JSON"};
  Status sent = sink.Send(letter);
  ASSERT_TRUE(sent.ok()) << sent.message();

  auto consumer = KafkaConsumer::Create({.brokers = test::KafkaBrokers(),
                                         .group = test::UniqueName("it-dlq-reader"),
                                         .topics = {topic}},
                                        [](const RebalanceEvent&) {});
  ASSERT_TRUE(consumer.ok());
  std::vector<KafkaMessage> received;
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       received.empty() && std::chrono::steady_clock::now() < deadline;) {
    auto batch = (*consumer)->Poll(10, 200ms);
    if (batch.ok()) received = *batch;
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].key, "key-1");
  EXPECT_EQ(received[0].value, "not json");
  std::map<std::string, std::string> headers;
  for (const KafkaHeader& h : received[0].headers) headers[h.name] = h.value;
  EXPECT_EQ(headers, (std::map<std::string, std::string>{{"error", "not JSON"},
                                                         {"originalTopic", "engagement-events"},
                                                         {"originalPartition", "4"},
                                                         {"originalOffset", "1234"}}));
}

// Subscribes to one Redis channel and keeps every message, in arrival order, for a test to
// wait on. Thread-safe: the subscriber's thread appends, the test waits.
class ChannelRecorder {
 public:
  explicit ChannelRecorder(const std::string& channel)
      : subscriber_(Redis(), channel, [this](const std::string& payload) {
          std::lock_guard lock(mutex_);
          messages_.push_back(payload);
          arrived_.notify_all();
        }) {
    for (int i = 0; i < 100 && !subscriber_.subscribed(); ++i) std::this_thread::sleep_for(50ms);
  }

  bool subscribed() const { return subscriber_.subscribed(); }

  // The messages so far once `done(messages)` holds, or nullopt after 5 s.
  template <typename Done>
  std::optional<std::vector<std::string>> WaitUntil(Done done) {
    std::unique_lock lock(mutex_);
    if (!arrived_.wait_for(lock, 5s, [&] { return done(messages_); })) return std::nullopt;
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> messages_;
  RedisSubscriber subscriber_;  // last: its thread uses the members above
};

TEST(RedisUpdatePublisherTest, PublishesTheTotalsAsAJsonArray) {
  ChannelRecorder recorder(kStreamUpdatesChannel);
  ASSERT_TRUE(recorder.subscribed());

  RedisClient redis(Redis(), 2s);
  RedisUpdatePublisher publisher(redis, test::UniqueName("it-publish-topic"));
  const std::string stream = test::UniqueName("it-publish");
  ASSERT_TRUE(publisher.Publish(std::vector<StreamTotal>{{stream, 42}, {stream + "b", 7}}).ok());

  // Other publishers (a running cluster) may share the channel: look for ours.
  const std::string expected = R"([{"likes":42,"streamId":")" + stream +
                               R"("},{"likes":7,"streamId":")" + stream + R"(b"}])";
  EXPECT_TRUE(recorder.WaitUntil([&](const std::vector<std::string>& messages) {
    return std::find(messages.begin(), messages.end(), expected) != messages.end();
  })) << "no message "
      << expected;
}

// A summary's watermark is an offset of its own topic: the consumers of another topic sharing
// the Redis (another deployment, a test's pipeline) must not reach this topic's api nodes.
TEST(RedisUpdatePublisherTest, PublishesPartitionTotalsOnTheChannelOfItsTopic) {
  const std::string topic = test::UniqueName("it-totals-topic");
  ChannelRecorder recorder(TotalsUpdatesChannel(topic));
  ASSERT_TRUE(recorder.subscribed());

  // One connection publishes both, so Redis delivers them in this order.
  RedisClient redis(Redis(), 2s);
  RedisUpdatePublisher other_topic(redis, topic + "-other");
  RedisUpdatePublisher this_topic(redis, topic);
  const PartitionTotal foreign{.partition = 0, .likes = 999, .streams = 9, .wm = 100000};
  const PartitionTotal own{.partition = 0, .likes = 5, .streams = 1, .wm = 7};
  ASSERT_TRUE(other_topic.PublishPartitionTotals(std::vector<PartitionTotal>{foreign}).ok());
  ASSERT_TRUE(this_topic.PublishPartitionTotals(std::vector<PartitionTotal>{own}).ok());

  std::optional<std::vector<std::string>> messages =
      recorder.WaitUntil([](const std::vector<std::string>& m) { return !m.empty(); });
  ASSERT_TRUE(messages.has_value());
  Result<std::vector<PartitionTotal>> first = ParsePartitionTotals(messages->front());
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].likes, 5) << "the first summary on " << TotalsUpdatesChannel(topic)
                                  << " was another topic's: " << messages->front();
  EXPECT_EQ((*first)[0].wm, 7);
}

}  // namespace
}  // namespace la
