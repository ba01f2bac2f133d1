#include "consumer/anchored_event_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "consumer/cached_counter_store.h"
#include "consumer/like_batcher.h"
#include "core/counting/like_event.h"
#include "tests/unit/fakes/consumer_fakes.h"

namespace la {
namespace {

using ::testing::ElementsAre;
using testing::FakeAnchorStore;
using testing::FakeCounterStore;
using testing::FakeDeadLetterSink;
using testing::FakeDedupStore;
using testing::FakeEventLog;
using testing::FakeLogReader;
using testing::FakeUpdatePublisher;
using ::testing::IsEmpty;
using Offsets = std::map<int32_t, int64_t>;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kRecheck{2000};

std::string Like(const std::string& event_id, const std::string& stream_id) {
  return EncodeLikeEvent({event_id, stream_id, "user-1", 1700000000000});
}

// Hears the ownership changes the guarded log hands on, and which offsets of
// which partitions it was given.
class RecordingListener final : public PartitionOwnershipListener {
 public:
  void OnPartitionsAssigned(const std::vector<int32_t>& partitions) override {
    for (int32_t p : partitions) owned.insert(p);
    assigned.push_back(partitions);
  }
  void OnPartitionsRevoked(const std::vector<int32_t>& partitions) override {
    for (int32_t p : partitions) owned.erase(p);
    revoked.push_back(partitions);
  }
  void OnPartitionsLost(const std::vector<int32_t>& partitions) override {
    for (int32_t p : partitions) owned.erase(p);
  }

  std::set<int32_t> owned;
  std::vector<std::vector<int32_t>> assigned;
  std::vector<std::vector<int32_t>> revoked;
};

// One consumer's guarded log over shared fake Kafka and MongoDB.
class AnchoredEventLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<AnchoredEventLog> StartLog(std::function<void()> forget = nullptr) {
    return std::make_unique<AnchoredEventLog>(
        kafka_, anchors_, reader_,
        AnchoredEventLogOptions{.recheck_interval = kRecheck,
                                .forget_remembered_states = std::move(forget),
                                .now = [this] { return now_; }});
  }

  // Appends likes e<first>..e<first + count - 1> of stream "s<partition>".
  void Produce(int32_t partition, int first, int count) {
    for (int i = first; i < first + count; ++i) {
      const std::string stream = "s" + std::to_string(partition);
      kafka_.Append(partition, stream, Like("e" + std::to_string(i), stream));
    }
  }

  // The offsets of `partition` that one poll hands on.
  std::vector<int64_t> PollOffsets(EventLog& log, PartitionOwnershipListener& listener,
                                   int32_t partition = 0) {
    Result<std::vector<LogMessage>> messages =
        log.Poll(1000, std::chrono::milliseconds(0), listener);
    EXPECT_TRUE(messages.ok()) << messages.status().message();
    std::vector<int64_t> offsets;
    if (!messages.ok()) return offsets;
    for (const LogMessage& m : *messages) {
      if (m.partition == partition) offsets.push_back(m.offset);
    }
    return offsets;
  }

  LogAnchor AnchorOf(int32_t partition, int64_t offset) {
    const LogMessage& m = kafka_.Messages(partition).at(offset);
    return {offset, MessageDigest(m.key, m.value)};
  }

  FakeEventLog kafka_;
  FakeAnchorStore anchors_;
  FakeLogReader reader_{kafka_};
  Clock::time_point now_ = Clock::time_point{} + std::chrono::hours(1);
};

TEST_F(AnchoredEventLogTest, ACommitStoresTheAnchorOfTheLastCommittedMessageFirst) {
  auto log = StartLog();
  RecordingListener listener;
  kafka_.AssignDuringNextPoll({0});
  Produce(0, 0, 3);
  EXPECT_THAT(PollOffsets(*log, listener), ElementsAre(0, 1, 2));
  EXPECT_THAT(listener.assigned, ElementsAre(ElementsAre(0)));  // no record: nothing to check

  anchors_.save_failures.FailNext();
  EXPECT_FALSE(log->Commit({{0, 3}}).ok());
  EXPECT_THAT(kafka_.commits, IsEmpty()) << "committed without an anchor";

  ASSERT_TRUE(log->Commit({{0, 3}}).ok());
  EXPECT_EQ(anchors_.records[0].anchor, AnchorOf(0, 2));
  EXPECT_THAT(kafka_.commits, ElementsAre(Offsets{{0, 3}}));
}

TEST_F(AnchoredEventLogTest, ALogThatStillHoldsItsAnchorIsReadOnFromTheCommittedOffset) {
  Produce(0, 0, 3);
  {
    auto first = StartLog();
    RecordingListener listener;
    kafka_.AssignDuringNextPoll({0});
    EXPECT_THAT(PollOffsets(*first, listener), ElementsAre(0, 1, 2));
    ASSERT_TRUE(first->Commit({{0, 3}}).ok());
    ASSERT_TRUE(first->Close(listener).ok());
  }
  Produce(0, 3, 2);
  auto next = StartLog();  // another consumer takes the partition over
  RecordingListener listener;
  kafka_.AssignDuringNextPoll({0});
  EXPECT_THAT(PollOffsets(*next, listener), ElementsAre(3, 4));
  EXPECT_THAT(listener.owned, ElementsAre(0));
  EXPECT_THAT(next->HaltedPartitions(), IsEmpty());
}

TEST_F(AnchoredEventLogTest, AnAnchorRemovedByRetentionDoesNotHaltALogThatReachesPastIt) {
  Produce(0, 0, 10);
  anchors_.records[0] = {AnchorOf(0, 4), std::nullopt};
  reader_.start[0] = 8;  // offsets 0-7 expired
  auto log = StartLog();
  RecordingListener listener;
  kafka_.AssignDuringNextPoll({0});
  EXPECT_THAT(PollOffsets(*log, listener), ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
  EXPECT_THAT(listener.owned, ElementsAre(0));
  EXPECT_THAT(log->HaltedPartitions(), IsEmpty());
}

TEST_F(AnchoredEventLogTest, AReCreatedTopicIsHaltedAtAssignmentUntilItIsReBased) {
  Produce(0, 0, 5);
  Produce(1, 100, 2);
  anchors_.records[0] = {AnchorOf(0, 4), std::nullopt};
  anchors_.records[1] = {AnchorOf(1, 1), std::nullopt};
  kafka_.Recreate(0);
  Produce(0, 1000, 8);  // the new log is past the old anchor: only its bytes tell

  auto log = StartLog();
  RecordingListener listener;
  kafka_.AssignDuringNextPoll({0, 1});
  PollOffsets(*log, listener);
  EXPECT_THAT(listener.owned, ElementsAre(1));
  EXPECT_THAT(log->HaltedPartitions(), ElementsAre(0));
  EXPECT_THAT(PollOffsets(*log, listener), IsEmpty()) << "a halted partition's messages went on";

  // Still halted when checked again, however long it waits.
  now_ += kRecheck * 5;
  EXPECT_THAT(PollOffsets(*log, listener), IsEmpty());
  EXPECT_THAT(log->HaltedPartitions(), ElementsAre(0));

  // `la-admin partitions rebase --partition 0`: count the new log from 0.
  anchors_.records[0] = {std::nullopt, 0};
  EXPECT_THAT(PollOffsets(*log, listener), IsEmpty()) << "checked again before its time";
  now_ += kRecheck;
  EXPECT_THAT(PollOffsets(*log, listener), ElementsAre(0, 1, 2, 3, 4, 5, 6, 7));
  EXPECT_THAT(kafka_.seeks, ElementsAre(std::pair<int32_t, int64_t>{0, 0}));
  EXPECT_THAT(listener.owned, ElementsAre(0, 1));
  EXPECT_THAT(log->HaltedPartitions(), IsEmpty());
}

TEST_F(AnchoredEventLogTest, AReBasedPartitionAssignedLaterStartsAtItsReBaseOffset) {
  Produce(0, 0, 6);
  anchors_.records[0] = {std::nullopt, 2};
  auto log = StartLog();
  RecordingListener listener;
  kafka_.AssignDuringNextPoll({0});
  EXPECT_THAT(PollOffsets(*log, listener), ElementsAre(2, 3, 4, 5));
}

TEST_F(AnchoredEventLogTest,
       ACheckThatCannotBeMadeHoldsThePartitionBackThenReadsOnFromTheFirstHeld) {
  Produce(0, 0, 4);
  anchors_.records[0] = {AnchorOf(0, 1), std::nullopt};
  auto log = StartLog();
  RecordingListener listener;
  reader_.failures.FailNext(2);  // Kafka has no leader for a while
  kafka_.AssignDuringNextPoll({0});
  EXPECT_THAT(PollOffsets(*log, listener), IsEmpty());
  EXPECT_THAT(listener.owned, IsEmpty());
  EXPECT_THAT(log->HaltedPartitions(), IsEmpty()) << "unchecked is not halted";

  now_ += kRecheck;  // the second check fails too
  EXPECT_THAT(PollOffsets(*log, listener), IsEmpty());
  now_ += kRecheck;
  // Checked, sought back to the first message dropped meanwhile, and given.
  EXPECT_THAT(PollOffsets(*log, listener), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(kafka_.seeks, ElementsAre(std::pair<int32_t, int64_t>{0, 0}));
  EXPECT_THAT(listener.owned, ElementsAre(0));
}

TEST_F(AnchoredEventLogTest, APartitionWithoutALeaderDoesNotHoldTheOthersBack) {
  Produce(0, 0, 3);
  Produce(1, 10, 3);
  anchors_.records[0] = {AnchorOf(0, 0), std::nullopt};
  anchors_.records[1] = {AnchorOf(1, 0), std::nullopt};
  reader_.leaderless = {0};  // its broker was just killed
  auto log = StartLog();
  RecordingListener listener;
  kafka_.AssignDuringNextPoll({0, 1});
  EXPECT_THAT(PollOffsets(*log, listener, 1), ElementsAre(0, 1, 2));
  EXPECT_THAT(listener.owned, ElementsAre(1));

  reader_.leaderless.clear();  // a new leader
  now_ += kRecheck;
  EXPECT_THAT(PollOffsets(*log, listener, 0), ElementsAre(0, 1, 2));
  EXPECT_THAT(listener.owned, ElementsAre(0, 1));
}

// The whole consumer, as la-consumer wires it: a topic deleted and created again
// under it, with no rebalance (librdkafka sends the partition back to offset 0).
// Without the guard the batcher ignores offsets below the ones it saw, and the
// watermarks skip the rest; without forgetting the remembered stream states at the
// re-base, their old watermarks would skip them too.
class ReCreatedTopicTest : public AnchoredEventLogTest {
 protected:
  void PollAndFlush(EventLog& log, LikeBatcher& batcher) {
    Result<std::vector<LogMessage>> messages =
        log.Poll(1000, std::chrono::milliseconds(0), batcher);
    ASSERT_TRUE(messages.ok()) << messages.status().message();
    for (const LogMessage& m : *messages) batcher.Add(m, now_);
    ASSERT_TRUE(batcher.Flush().committed());
  }

  FakeDedupStore dedup_;
  FakeCounterStore counters_;
  CachedCounterStore remembered_{counters_, 1000};
  FakeDeadLetterSink dead_letters_;
  FakeUpdatePublisher publisher_;
};

TEST_F(ReCreatedTopicTest, NewLikesAreHeldBackNotSkippedAndCountOnceAfterTheReBase) {
  auto log = StartLog([this] { remembered_.Clear(); });
  LikeBatcher batcher(*log, dedup_, remembered_, dead_letters_, publisher_, {});
  kafka_.AssignDuringNextPoll({0, 1});
  Produce(0, 0, 5);
  Produce(1, 100, 3);
  PollAndFlush(*log, batcher);
  PollAndFlush(*log, batcher);
  ASSERT_EQ(counters_.Likes("s0"), 5);
  ASSERT_EQ(counters_.Likes("s1"), 3);
  ASSERT_EQ(counters_.documents["s0"].watermarks, (Offsets{{0, 4}}));

  kafka_.Recreate(0);
  Produce(0, 1000, 3);  // offsets 0-2, all at or below the watermark 4
  Produce(1, 103, 1);
  PollAndFlush(*log, batcher);
  EXPECT_EQ(counters_.Likes("s0"), 5) << "counted before the re-base";
  EXPECT_EQ(counters_.Likes("s1"), 4) << "the other partition stopped";
  EXPECT_THAT(log->HaltedPartitions(), ElementsAre(0));
  EXPECT_EQ(anchors_.records[0].anchor, (LogAnchor{4, MessageDigest("s0", Like("e4", "s0"))}))
      << "the anchor no longer names the old log's last counted message";

  Produce(0, 1003, 2);
  now_ += kRecheck;
  PollAndFlush(*log, batcher);
  EXPECT_EQ(counters_.Likes("s0"), 5);

  // The operator's re-base: watermarks of partition 0 from 0 on are removed, and
  // the partition is counted from 0.
  counters_.documents["s0"].watermarks.erase(0);
  anchors_.records[0] = {std::nullopt, 0};
  now_ += kRecheck;
  PollAndFlush(*log, batcher);  // checked, sought back to 0, read and counted
  EXPECT_EQ(counters_.Likes("s0"), 5 + 5);
  EXPECT_THAT(log->HaltedPartitions(), IsEmpty());
  EXPECT_EQ(anchors_.records[0].anchor, (LogAnchor{4, MessageDigest("s0", Like("e1004", "s0"))}));
  EXPECT_EQ(anchors_.records[0].rebase_from, std::nullopt);

  // And again, without double counting.
  Produce(0, 1005, 1);
  now_ += kRecheck;
  PollAndFlush(*log, batcher);
  EXPECT_EQ(counters_.Likes("s0"), 11);
}

}  // namespace
}  // namespace la
