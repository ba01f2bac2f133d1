// The consumer's poll loop over in-memory Kafka, Redis and MongoDB, on a fake
// clock: when it flushes, how it backs off, pauses, rebalances and shuts down.
#include "consumer/poll_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/counting/like_event.h"
#include "tests/unit/fakes/consumer_fakes.h"

namespace la {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using testing::FakeCounterStore;
using testing::FakeDeadLetterSink;
using testing::FakeDedupStore;
using testing::FakeEventLog;
using testing::FakeUpdatePublisher;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Clock = PollLoop::Clock;
using Offsets = std::map<int32_t, int64_t>;

// One consumer process: a LikeBatcher and its PollLoop over fakes, on a clock
// that moves only when the test or a sleep of the loop moves it.
class PollLoopTest : public ::testing::Test {
 protected:
  // Builds the consumer; partitions 0 and 1 are assigned during its first poll.
  void Start(LikeBatcherOptions batcher_options = {}, PollLoopOptions loop_options = {}) {
    batcher_options.now = [this] { return now_; };
    loop_options.now = [this] { return now_; };
    loop_options.sleep = [this](Clock::duration wait) {
      sleeps_.push_back(std::chrono::duration_cast<milliseconds>(wait));
      now_ += wait;
    };
    batcher_ = std::make_unique<LikeBatcher>(log_, dedup_, counters_, dead_letters_, publisher_,
                                             std::move(batcher_options));
    loop_ = std::make_unique<PollLoop>(log_, *batcher_, metrics_, std::move(loop_options));
    log_.AssignDuringNextPoll({0, 1});
  }

  // Appends `count` likes of `stream_id` to `partition`.
  void Produce(int32_t partition, const std::string& stream_id, int count = 1) {
    for (int i = 0; i < count; ++i) {
      const std::string event_id = "e" + std::to_string(next_event_++);
      log_.Append(partition, stream_id, EncodeLikeEvent({event_id, stream_id, "u", 1700000000000}));
    }
  }

  void RunRounds(int rounds) {
    for (int i = 0; i < rounds; ++i) loop_->RunRound();
  }

  std::string Metrics() { return registry_.Render(); }

  Clock::time_point now_ = Clock::time_point{} + std::chrono::hours(1);
  std::vector<milliseconds> sleeps_;
  int next_event_ = 0;

  FakeEventLog log_;
  FakeDedupStore dedup_;
  FakeCounterStore counters_;
  FakeDeadLetterSink dead_letters_;
  FakeUpdatePublisher publisher_;
  prometheus::Registry registry_;
  ConsumerMetrics metrics_{registry_};
  std::unique_ptr<LikeBatcher> batcher_;
  std::unique_ptr<PollLoop> loop_;
};

TEST_F(PollLoopTest, ABacklogIsFlushedByBatchSizeWithoutWaitingForTheInterval) {
  Start({.flush_interval = milliseconds(1000), .max_batch_messages = 5},
        {.max_buffered_messages = 5});
  Produce(0, "a", 12);

  RunRounds(3);  // the clock does not move

  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 5}}, Offsets{{0, 10}}));
  EXPECT_EQ(batcher_->buffered_messages(), 2u) << "the rest waits for the interval";
  EXPECT_EQ(counters_.Likes("a"), 10);
  EXPECT_THAT(Metrics(), HasSubstr("la_consumer_batch_messages_count 2\n"));
  EXPECT_THAT(Metrics(), HasSubstr("la_consumer_batch_messages_sum 10\n"));
  EXPECT_THAT(sleeps_, IsEmpty());
}

TEST_F(PollLoopTest, AQuietBufferIsFlushedOnceTheIntervalHasPassed) {
  Start({.flush_interval = milliseconds(1000)});
  Produce(0, "a", 2);

  RunRounds(1);
  now_ += milliseconds(999);
  RunRounds(1);
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_EQ(batcher_->buffered_messages(), 2u);

  now_ += milliseconds(1);
  RunRounds(1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 2}}));
  EXPECT_EQ(counters_.Likes("a"), 2);
}

TEST_F(PollLoopTest, AFailedFlushIsRetriedAfterABackoffAndCommitsNothingMeanwhile) {
  Start({.flush_interval = milliseconds(1000)});
  Produce(0, "a");
  RunRounds(1);
  now_ += milliseconds(1000);
  dedup_.failures.FailNext(2);

  RunRounds(1);  // attempt 1 fails: the next one waits 100 ms
  EXPECT_EQ(dedup_.calls, 1);
  RunRounds(3);
  now_ += milliseconds(99);
  RunRounds(1);
  EXPECT_EQ(dedup_.calls, 1) << "no attempt before the backoff has passed";
  EXPECT_EQ(log_.polls, 6) << "polling goes on meanwhile";

  now_ += milliseconds(1);
  RunRounds(1);  // attempt 2 fails: the next one waits 200 ms
  EXPECT_EQ(dedup_.calls, 2);
  now_ += milliseconds(199);
  RunRounds(1);
  EXPECT_EQ(dedup_.calls, 2);
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_EQ(batcher_->buffered_messages(), 1u);

  now_ += milliseconds(1);
  RunRounds(1);  // attempt 3 succeeds
  EXPECT_EQ(dedup_.calls, 3);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 1}}));
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_THAT(Metrics(), HasSubstr("la_consumer_flush_failures_total 2\n"));
  EXPECT_THAT(sleeps_, IsEmpty()) << "the loop polls while it waits, it does not sleep";
}

TEST_F(PollLoopTest, AnIncompleteFlushPollsOnceAndThenGoesOnWhereItStopped) {
  // Every bulk update takes 6 s of a 10 s budget: the first flush applies two of
  // the three streams and stops.
  Start({.flush_interval = milliseconds(1000),
         .updates_per_apply = 1,
         .max_flush_duration = milliseconds(10000)});
  counters_.before_apply = [this] { now_ += milliseconds(6000); };
  Produce(0, "a");
  Produce(0, "b");
  Produce(0, "c");
  RunRounds(1);
  now_ += milliseconds(1000);

  RunRounds(1);
  EXPECT_EQ(counters_.apply_calls, 2);
  EXPECT_THAT(log_.commits, IsEmpty());
  const int polls_before = log_.polls;

  RunRounds(1);
  EXPECT_EQ(log_.polls, polls_before + 1) << "one poll (group membership) between the two";
  EXPECT_EQ(counters_.apply_calls, 3) << "only the stream not applied yet";
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 3}}));
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_EQ(counters_.Likes("c"), 1);
  EXPECT_THAT(sleeps_, IsEmpty()) << "no backoff after an incomplete flush";
}

TEST_F(PollLoopTest, RevokedPartitionsAreFlushedAndCommittedBeforeTheyGo) {
  Start({.flush_interval = milliseconds(1000)});
  Produce(0, "a");
  Produce(1, "b", 2);
  RunRounds(1);
  EXPECT_EQ(batcher_->buffered_messages(), 3u);

  // The fake refuses commits of partitions it no longer owns.
  log_.RevokeDuringNextPoll({1});
  RunRounds(1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 1}, {1, 2}}));
  EXPECT_EQ(counters_.Likes("b"), 2);

  Produce(1, "b");
  Produce(0, "a");
  RunRounds(1);
  now_ += milliseconds(1000);
  RunRounds(1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 1}, {1, 2}}, Offsets{{0, 2}}));
  EXPECT_EQ(counters_.Likes("b"), 2) << "partition 1 belongs to another consumer now";
}

TEST_F(PollLoopTest, FetchingPausesWhileTheBufferIsFullAndResumesOnceItIsFlushed) {
  Start({.flush_interval = milliseconds(1000), .max_batch_messages = 4},
        {.max_buffered_messages = 4});
  Produce(0, "a", 10);
  dedup_.failures.FailNext();

  RunRounds(1);  // polls 4, the flush fails
  EXPECT_EQ(batcher_->buffered_messages(), 4u);
  EXPECT_FALSE(log_.paused());
  RunRounds(2);
  EXPECT_TRUE(log_.paused());
  EXPECT_EQ(batcher_->buffered_messages(), 4u) << "a paused log delivers nothing";
  EXPECT_GE(log_.polls, 3) << "polls go on for the group's sake";

  now_ += milliseconds(100);
  RunRounds(1);  // still paused; the retry commits
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 4}}));
  EXPECT_EQ(log_.resume_calls, 0);

  RunRounds(1);  // room again: resume, poll 4, flush
  EXPECT_EQ(log_.resume_calls, 1);
  EXPECT_FALSE(log_.paused());
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 4}}, Offsets{{0, 8}}));
}

TEST_F(PollLoopTest, APollErrorWaitsOnePollTimeoutAndPollingGoesOn) {
  Start({.flush_interval = milliseconds(1000)}, {.poll_timeout = milliseconds(100)});
  Produce(0, "a");
  log_.poll_failures.FailNext();

  RunRounds(1);
  EXPECT_THAT(sleeps_, ElementsAre(milliseconds(100)));
  EXPECT_EQ(batcher_->buffered_messages(), 0u);
  RunRounds(1);
  EXPECT_EQ(batcher_->buffered_messages(), 1u);
}

TEST_F(PollLoopTest, ReportsThePartitionsLagOnceASecond) {
  Start({.flush_interval = milliseconds(1000)}, {.max_messages_per_poll = 2});
  Produce(0, "a", 5);

  RunRounds(1);
  EXPECT_THAT(Metrics(), HasSubstr("la_consumer_lag_messages{partition=\"0\"} 3\n"));
  RunRounds(1);
  EXPECT_THAT(Metrics(), HasSubstr("la_consumer_lag_messages{partition=\"0\"} 3\n"))
      << "not again within the second";
  now_ += milliseconds(1000);
  RunRounds(1);
  EXPECT_THAT(Metrics(), HasSubstr("la_consumer_lag_messages{partition=\"0\"} 0\n"));
}

TEST_F(PollLoopTest, RunStopsWhenAskedAndTheFinalFlushCommitsWhatIsBuffered) {
  Start({.flush_interval = milliseconds(1000)});
  Produce(0, "a", 3);
  std::atomic<bool> stop{false};
  log_.before_poll = [&] {
    if (log_.polls == 3) stop = true;
  };

  loop_->Run(stop);
  EXPECT_EQ(log_.polls, 3);
  EXPECT_THAT(log_.commits, IsEmpty()) << "the interval has not passed";

  ASSERT_TRUE(loop_->FlushRemaining(now_ + std::chrono::seconds(10)).ok());
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 3}}));
  EXPECT_EQ(counters_.Likes("a"), 3);
}

TEST_F(PollLoopTest, AnIncompleteFinalFlushGoesOnAtOnceUntilItCommits) {
  Start({.flush_interval = milliseconds(1000),
         .updates_per_apply = 1,
         .max_flush_duration = milliseconds(10000)});
  counters_.before_apply = [this] { now_ += milliseconds(6000); };
  for (const char* stream : {"a", "b", "c", "d", "e"}) Produce(0, stream);
  RunRounds(1);

  ASSERT_TRUE(loop_->FlushRemaining(now_ + std::chrono::seconds(60)).ok());
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 5}}));
  for (const char* stream : {"a", "b", "c", "d", "e"}) EXPECT_EQ(counters_.Likes(stream), 1);
  EXPECT_THAT(sleeps_, IsEmpty()) << "an incomplete flush is no failure: no backoff";
}

TEST_F(PollLoopTest, TheFinalFlushRetriesUntilTheDeadlineThenGivesUpWithoutCommitting) {
  Start({.flush_interval = milliseconds(1000)});
  Produce(0, "a");
  RunRounds(1);
  dedup_.failures.FailAlways();

  const Status flushed = loop_->FlushRemaining(now_ + milliseconds(1000));
  EXPECT_THAT(flushed.message(), HasSubstr("gave up flushing 1 buffered messages"));
  EXPECT_THAT(flushed.message(), HasSubstr("injected failure of dedup claim"));
  // Attempts at 0, 100, 300 and 700 ms; the next would be at 1500 ms.
  EXPECT_EQ(dedup_.calls, 4);
  EXPECT_THAT(sleeps_, ElementsAre(milliseconds(100), milliseconds(200), milliseconds(400)));
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_EQ(batcher_->buffered_messages(), 1u);
}

}  // namespace
}  // namespace la
