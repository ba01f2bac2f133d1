#include "core/counting/partition_totals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "consumer/like_batcher.h"
#include "core/counting/like_event.h"
#include "tests/unit/fakes/consumer_fakes.h"

namespace la {
namespace {

using ::testing::ElementsAre;
using testing::FakeCounterStore;
using testing::FakeDeadLetterSink;
using testing::FakeDedupStore;
using testing::FakeEventLog;
using testing::FakePartitionTotalsStore;
using testing::FakeUpdatePublisher;
using ::testing::IsEmpty;

constexpr DedupDecision kCount = DedupDecision::kCount;
constexpr DedupDecision kDuplicate = DedupDecision::kDuplicate;

TEST(PlanPartitionTotals, AddsTheCountedEventsAndFirstLikesAboveTheSummarysWatermark) {
  const std::vector<ClassifiedEvent> events = {
      {0, 4, "a", kCount, 0},  // at the summary's wm: already in it
      {0, 5, "a", kCount, 0}, {0, 6, "b", kDuplicate, 0},
      {0, 7, "c", kCount, 0}, {1, 3, "d", kCount, 0},
  };
  const std::map<int32_t, PartitionTotal> summaries = {{0, {0, 10, 2, 4}}, {1, {1, 0, 0, -1}}};
  const std::map<std::string, LikePosition> first_likes = {
      {"a", {0, 1}}, {"c", {0, 7}}, {"d", {1, 3}}};
  EXPECT_THAT(PlanPartitionTotals(events, {{0, 8}, {1, 3}}, first_likes, summaries),
              ElementsAre(PartitionTotalsUpdate{4, {0, 12, 3, 8}},
                          PartitionTotalsUpdate{-1, {1, 1, 1, 3}}));
}

TEST(PlanPartitionTotals, ASummaryAlreadyAtTheFlushsEndOrMissingGetsNoUpdate) {
  const std::vector<ClassifiedEvent> events = {{0, 4, "a", kCount, 0}, {2, 1, "x", kCount, 0}};
  const std::map<int32_t, PartitionTotal> summaries = {{0, {0, 10, 2, 4}}};
  EXPECT_THAT(PlanPartitionTotals(events, {{0, 4}, {2, 1}}, {}, summaries), IsEmpty());
}

TEST(PartitionTotalsView, KeepsTheSummaryWithTheHighestWatermark) {
  PartitionTotalsView view;
  EXPECT_TRUE(view.Apply({0, 10, 1, 5}));
  EXPECT_TRUE(view.Apply({1, 3, 2, 9}));
  EXPECT_FALSE(view.Apply({0, 7, 1, 3})) << "a late message";
  EXPECT_EQ(view.Sum(), (ClusterTotals{13, 3, 2}));
}

// `la-admin partitions rebase` moves a summary's wm back to where the new log is counted
// from and keeps its likes and streams: the new log's summaries have lower watermarks
// than the held one and must still be taken, the late ones of the old log still not.
TEST(PartitionTotalsView, TakesTheSummariesOfAReBasedLogDespiteTheirLowerWatermark) {
  PartitionTotalsView view;
  EXPECT_TRUE(view.Apply({0, 10, 2, 500}));
  EXPECT_FALSE(view.Apply({0, 10, 2, -1})) << "the re-base itself: the same totals";
  EXPECT_TRUE(view.Apply({0, 12, 3, 4})) << "the new log's first flush";
  EXPECT_FALSE(view.Apply({0, 11, 2, 499})) << "a late message of the old log";
  EXPECT_TRUE(view.Apply({0, 12, 3, 9})) << "a flush of duplicates only";
  EXPECT_EQ(view.Sum(), (ClusterTotals{12, 3, 1}));
}

TEST(PlanBackfill, SumsTheStreamsOfThePartitionUnlessOneIsAhead) {
  const std::vector<StreamOnPartition> streams = {
      {5, {{0, 10}}}, {0, {{0, 3}}}, {4, {{0, 8}, {3, 2}}}, {6, {{1, 1}}}};
  EXPECT_EQ(PlanBackfill(0, 10, streams), (PartitionTotal{0, 9, 2, 10}));
  EXPECT_EQ(PlanBackfill(3, 2, streams), (PartitionTotal{3, 0, 0, 2}))
      << "a stream on two partitions counts in its lowest";
  EXPECT_EQ(PlanBackfill(0, 9, streams), std::nullopt) << "a stream document is ahead";
}

// The consumer keeps the summaries exactly-once through failures at every step.
class PartitionTotalsFlushTest : public ::testing::Test {
 protected:
  std::unique_ptr<LikeBatcher> Start(std::function<void()> before_commit = {}) {
    return std::make_unique<LikeBatcher>(
        log_, dedup_, counters_, dead_letters_, publisher_,
        LikeBatcherOptions{.partition_totals = &summaries_,
                           .before_commit_for_testing = std::move(before_commit)});
  }
  void Produce(int32_t partition, const std::string& event_id, const std::string& stream_id) {
    log_.Append(partition, stream_id,
                EncodeLikeEvent({event_id, stream_id, "user-1", 1700000000000}));
  }
  void PollAll(LikeBatcher& batcher) {
    Result<std::vector<LogMessage>> messages =
        log_.Poll(100000, std::chrono::milliseconds(0), batcher);
    ASSERT_TRUE(messages.ok());
    for (const LogMessage& message : *messages)
      batcher.Add(message, LikeBatcher::Clock::time_point{});
  }
  // The cluster totals as the summaries say, and as the stream documents say.
  ClusterTotals Summed() const {
    PartitionTotalsView view;
    for (const auto& [p, total] : summaries_.summaries) view.Apply(total);
    return view.Sum();
  }
  std::pair<int64_t, int64_t> FromStreams() const {
    int64_t likes = 0, streams = 0;
    for (const auto& [id, state] : counters_.documents) {
      likes += state.likes;
      streams += state.likes > 0 ? 1 : 0;
    }
    return {likes, streams};
  }

  FakeEventLog log_;
  FakeDedupStore dedup_;
  FakeCounterStore counters_;
  FakeDeadLetterSink dead_letters_;
  FakeUpdatePublisher publisher_;
  FakePartitionTotalsStore summaries_{counters_};
};

TEST_F(PartitionTotalsFlushTest, SummariesEqualTheStreamDocumentsAndArePublished) {
  auto batcher = Start();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(0, "e2", "a");
  Produce(0, "e2", "a");  // duplicate
  Produce(1, "e3", "b");
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(Summed(), (ClusterTotals{3, 2, 2}));
  EXPECT_THAT(publisher_.partition_messages,
              ElementsAre(ElementsAre(PartitionTotal{0, 2, 1, 2}, PartitionTotal{1, 1, 1, 0})));
  Produce(0, "e4", "c");
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(Summed(), (ClusterTotals{4, 3, 2}));
}

TEST_F(PartitionTotalsFlushTest, ACrashBetweenTheSummaryAndTheCommitIsReplayedOnce) {
  Produce(0, "e1", "a");
  Produce(0, "e2", "b");
  {
    auto doomed = Start([] { throw std::runtime_error("killed before the commit"); });
    log_.Assign(*doomed, {0});
    PollAll(*doomed);
    EXPECT_THROW((void)doomed->Flush(), std::runtime_error);
  }
  EXPECT_EQ(Summed(), (ClusterTotals{2, 2, 1})) << "written before the crash";
  auto restarted = Start();
  log_.Assign(*restarted, {0});
  Produce(0, "e3", "a");
  PollAll(*restarted);
  ASSERT_TRUE(restarted->Flush().ok());
  EXPECT_EQ(Summed(), (ClusterTotals{3, 2, 1}));
}

TEST_F(PartitionTotalsFlushTest, ASummaryWriteThatFailsAfterTheStreamWritesIsRetriedExactly) {
  auto batcher = Start();
  log_.Assign(*batcher, {0});
  Produce(0, "e1", "a");
  Produce(0, "e2", "b");
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());  // creates the summary
  Produce(0, "e3", "c");
  Produce(0, "e4", "a");
  PollAll(*batcher);
  summaries_.failures.FailNext(1);
  EXPECT_FALSE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("c"), 1) << "the stream documents were written";
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(Summed(), (ClusterTotals{4, 3, 1}));
}

TEST_F(PartitionTotalsFlushTest, AStoreWithoutSummariesIsBackfilledOnce) {
  counters_.documents["old"] = {.likes = 40, .watermarks = {{0, 3}}};
  counters_.documents["gone"] = {.likes = 0, .watermarks = {{0, 2}}};
  auto batcher = Start();
  log_.Assign(*batcher, {0});
  log_.Append(0, "x", "not json");  // offsets 0-3 were consumed before
  log_.Append(0, "x", "not json");
  log_.Append(0, "x", "not json");
  log_.Append(0, "x", "not json");
  Produce(0, "e1", "new");
  Produce(0, "e2", "old");
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(Summed(), (ClusterTotals{42, 2, 1}));
  EXPECT_EQ(FromStreams(), std::make_pair(int64_t{42}, int64_t{2}));
}

TEST_F(PartitionTotalsFlushTest, TheFirstSummariesOfSeveralPartitionsReadTheStreamsOnce) {
  counters_.documents["old0"] = {.likes = 40, .watermarks = {{0, 3}}};
  counters_.documents["old2"] = {.likes = 7, .watermarks = {{2, 5}}};
  // A stream of the time before the partition count was raised: it counts in partition 0 only.
  counters_.documents["moved"] = {.likes = 5, .watermarks = {{0, 1}, {1, 0}}};
  auto batcher = Start();
  log_.Assign(*batcher, {0, 1, 2});
  for (int i = 0; i < 4; ++i) log_.Append(0, "x", "not json");  // consumed before
  log_.Append(1, "x", "not json");
  for (int i = 0; i < 6; ++i) log_.Append(2, "x", "not json");
  Produce(0, "e1", "new0");
  Produce(1, "e2", "new1");
  Produce(2, "e3", "old2");
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(summaries_.stream_reads, 1) << "one read of the streams for the three partitions";
  EXPECT_EQ(Summed(), (ClusterTotals{55, 5, 3}));
  EXPECT_EQ(FromStreams(), std::make_pair(int64_t{55}, int64_t{5}));
  Produce(0, "e4", "new0");
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(summaries_.stream_reads, 1) << "a partition with a summary reads no streams";
  EXPECT_EQ(Summed(), (ClusterTotals{56, 5, 3}));
}

// Random flushes of random likes over a few streams and partitions, with failures of
// every store and crashes before the commit: the summaries always equal the documents.
TEST_F(PartitionTotalsFlushTest, RandomFailuresNeverMakeTheSummariesDisagree) {
  std::mt19937 random(21);
  int next_event = 0;
  for (int round = 0; round < 60; ++round) {
    const int mode = static_cast<int>(random() % 4);
    auto batcher = Start(mode == 3 ? std::function<void()>([] {
      throw std::runtime_error("crash before the commit");
    })
                                   : std::function<void()>());
    log_.Assign(*batcher, {0, 1, 2});
    for (int i = 0, n = static_cast<int>(random() % 6); i < n; ++i) {
      const int stream = static_cast<int>(random() % 5);
      // Sometimes a retry of an earlier event: the same id at another position.
      const int id = (random() % 5 == 0 && next_event > 0) ? next_event - 1 : next_event++;
      Produce(stream % 3, "e" + std::to_string(id), "s" + std::to_string(stream));
    }
    PollAll(*batcher);
    if (mode == 1) summaries_.failures.FailNext(1);
    if (mode == 2) counters_.updates_before_error = 1;
    try {
      // An injected failure may wait for a later call: a few retries settle the batch.
      for (int retry = 0; retry < 5 && batcher->buffered_messages() > 0; ++retry)
        (void)batcher->Flush();
    } catch (const std::runtime_error&) {
      continue;  // the next consumer replays from the committed offsets
    }
    ASSERT_EQ(batcher->buffered_messages(), 0u) << "round " << round;
    const auto [likes, streams] = FromStreams();
    const ClusterTotals summed = Summed();
    ASSERT_EQ(summed.likes, likes) << "round " << round;
    ASSERT_EQ(summed.streams, streams) << "round " << round;
  }
  // Whatever the last round left uncommitted, a healthy consumer settles it.
  auto last = Start();
  log_.Assign(*last, {0, 1, 2});
  PollAll(*last);
  ASSERT_TRUE(last->Flush().committed());
  const auto [likes, streams] = FromStreams();
  EXPECT_GT(likes, 50);
  EXPECT_EQ(Summed().likes, likes);
  EXPECT_EQ(Summed().streams, streams);
}

}  // namespace
}  // namespace la
