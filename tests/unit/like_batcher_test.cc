#include "consumer/like_batcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "core/counting/like_event.h"
#include "tests/unit/fakes/consumer_fakes.h"

namespace la {
namespace {

using ::testing::ElementsAre;
using testing::FakeCounterStore;
using testing::FakeDeadLetterSink;
using testing::FakeDedupStore;
using testing::FakeEventLog;
using testing::FakeUpdatePublisher;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Offsets = std::map<int32_t, int64_t>;

const LikeBatcher::Clock::time_point kStart =
    LikeBatcher::Clock::time_point{} + std::chrono::hours(1);

// Thrown by the fault hook to play a process killed between apply and commit.
struct SimulatedCrash {};

std::string Like(const std::string& event_id, const std::string& stream_id,
                 const std::string& user_id = "user-1") {
  return EncodeLikeEvent({event_id, stream_id, user_id, 1700000000000});
}

// One consumer process over shared (fake) Kafka, Redis and MongoDB.
class LikeBatcherTest : public ::testing::Test {
 protected:
  std::unique_ptr<LikeBatcher> StartConsumer(LikeBatcherOptions options = {}) {
    return std::make_unique<LikeBatcher>(log_, dedup_, counters_, dead_letters_, publisher_,
                                         std::move(options));
  }

  // Appends a like event for `stream_id` to `partition` (key = streamId).
  void Produce(int32_t partition, const std::string& event_id, const std::string& stream_id) {
    log_.Append(partition, stream_id, Like(event_id, stream_id));
  }

  // Hands every message the consumer's partitions hold to `batcher`.
  void PollAll(LikeBatcher& batcher, LikeBatcher::Clock::time_point now = kStart) {
    Result<std::vector<LogMessage>> messages =
        log_.Poll(1000, std::chrono::milliseconds(0), batcher);
    ASSERT_TRUE(messages.ok());
    for (const LogMessage& message : *messages) batcher.Add(message, now);
  }

  FakeEventLog log_;
  FakeDedupStore dedup_;
  FakeCounterStore counters_;
  FakeDeadLetterSink dead_letters_;
  FakeUpdatePublisher publisher_;
};

TEST_F(LikeBatcherTest, CountsCommitsAndPublishesABatch) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(0, "e2", "a");
  Produce(1, "e3", "b");
  PollAll(*batcher);
  EXPECT_EQ(batcher->buffered_messages(), 3u);

  ASSERT_TRUE(batcher->Flush().ok());

  EXPECT_EQ(counters_.Likes("a"), 2);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_EQ(counters_.documents["a"].watermarks, (Offsets{{0, 1}}));
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 2}, {1, 1}}));
  EXPECT_THAT(publisher_.messages,
              ElementsAre(ElementsAre(StreamTotal{"a", 2}, StreamTotal{"b", 1})));
  EXPECT_EQ(dedup_.calls, 1);
  EXPECT_EQ(counters_.read_calls, 1);
  EXPECT_EQ(counters_.apply_calls, 1);
  EXPECT_EQ(batcher->buffered_messages(), 0u);
  EXPECT_EQ(batcher->metrics().messages_buffered, 3u);
  EXPECT_EQ(batcher->metrics().likes_counted, 3u);
  EXPECT_EQ(batcher->metrics().flushes_completed, 1u);
  EXPECT_EQ(batcher->metrics().last_flush_messages, 3u);

  ASSERT_TRUE(batcher->Flush().ok()) << "an empty flush is a no-op";
  EXPECT_EQ(log_.commits.size(), 1u);
  EXPECT_EQ(batcher->metrics().flushes_completed, 1u);
}

TEST_F(LikeBatcherTest, FlushesWhenTheIntervalPassedOrTheBatchIsFull) {
  auto batcher =
      StartConsumer({.flush_interval = std::chrono::milliseconds(1000), .max_batch_messages = 3});
  log_.Assign(*batcher, {0});
  EXPECT_FALSE(batcher->ShouldFlush(kStart + std::chrono::hours(1))) << "nothing buffered";

  Produce(0, "e1", "a");
  PollAll(*batcher, kStart);
  Produce(0, "e2", "a");
  PollAll(*batcher, kStart + std::chrono::milliseconds(900));
  EXPECT_FALSE(batcher->ShouldFlush(kStart + std::chrono::milliseconds(999)));
  EXPECT_TRUE(batcher->ShouldFlush(kStart + std::chrono::milliseconds(1000)))
      << "measured from the first buffered message";

  Produce(0, "e3", "a");
  PollAll(*batcher, kStart + std::chrono::milliseconds(901));
  EXPECT_TRUE(batcher->ShouldFlush(kStart + std::chrono::milliseconds(901))) << "batch full";

  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_FALSE(batcher->ShouldFlush(kStart + std::chrono::hours(1)));
  Produce(0, "e4", "a");
  PollAll(*batcher, kStart + std::chrono::seconds(5));
  EXPECT_FALSE(batcher->ShouldFlush(kStart + std::chrono::milliseconds(5999)))
      << "the interval restarts with the next message";
  EXPECT_TRUE(batcher->ShouldFlush(kStart + std::chrono::seconds(6)));
}

TEST_F(LikeBatcherTest, CountsEachEventIdOnceWithinAndAcrossBatchesAndPartitions) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(0, "e1", "a");  // a client retry landing in the same batch
  Produce(1, "e2", "b");
  Produce(0, "e2", "b");  // the same event on another partition
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  Produce(0, "e1", "a");  // and in a later batch
  Produce(0, "e3", "a");
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());

  EXPECT_EQ(counters_.Likes("a"), 2);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_EQ(batcher->metrics().duplicates_dropped, 3u);
  EXPECT_EQ(batcher->metrics().likes_counted, 3u);
  EXPECT_EQ(dedup_.positions["dedup:user-1:e1"], "0:0/a");
}

// An eventId names a like of one stream: the same user's eventId on another stream is
// another like, counted once on that stream, never dropped after its 202.
TEST_F(LikeBatcherTest, AnEventIdReusedOnAnotherStreamIsAnotherLikeCountedOnce) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(1, "e1", "b");  // the same user and eventId, another stream
  Produce(1, "e1", "b");  // a retry of that like
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  Produce(1, "e1", "b");  // and again in a later batch
  Produce(1, "e1", "c");  // a third stream
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());

  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_EQ(counters_.Likes("c"), 1);
  EXPECT_EQ(batcher->metrics().duplicates_dropped, 2u);
  EXPECT_EQ(dedup_.positions["dedup:user-1:e1"], "0:0/a");
  EXPECT_EQ(dedup_.positions["dedup:user-1:e1/b"], "1:0");
  EXPECT_EQ(dedup_.positions["dedup:user-1:e1/c"], "1:3");
  // Each stream-key claim restarts the first key's TTL: it never expires before them.
  EXPECT_EQ(dedup_.extended, std::vector<std::string>(4, "dedup:user-1:e1"));
}

// A flush retried after its claims were stored (the counters' write failed) finds its own
// positions under both kinds of keys, and counts.
TEST_F(LikeBatcherTest, ARetriedFlushCountsLikesOnAnotherStreamOnce) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(1, "e1", "b");
  PollAll(*batcher);
  counters_.apply_failures.FailNext();
  EXPECT_FALSE(batcher->Flush().ok());
  ASSERT_EQ(dedup_.positions.size(), 2u) << "both claims were stored";
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_EQ(batcher->metrics().duplicates_dropped, 0u);
}

// Keys made before the stream was stored hold the bare position: their stream is unknown,
// and another copy of the eventId is a duplicate, as it was.
TEST_F(LikeBatcherTest, AKeyWithoutAStreamDecidesAsBefore) {
  dedup_.positions["dedup:user-1:e1"] = "5:7";
  dedup_.positions["dedup:user-1:e2"] = "0:1";
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  Produce(0, "e1", "a");  // another copy of a like counted by an older consumer
  Produce(0, "e2", "a");  // the very copy an older consumer claimed: a replay
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_EQ(batcher->metrics().duplicates_dropped, 1u);
}

// dedup:{userId}:{eventId}: user "a:b" with eventId "c" and user "a" with eventId "b:c"
// would claim the same key. Tokens never carry such a user id; an event that does is
// dead-lettered with the reason, and cannot make the other user's like a duplicate.
TEST_F(LikeBatcherTest, AUserIdThatCouldShareADedupKeyIsDeadLettered) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  log_.Append(0, "s", Like("c", "s", "a:b"));
  log_.Append(0, "s", Like("b:c", "s", "a"));
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());

  ASSERT_EQ(dead_letters_.sent.size(), 1u);
  EXPECT_EQ(dead_letters_.sent[0].reason,
            "userId must be 1-128 characters of [A-Za-z0-9_.-] (no ':'), got \"a:b\"");
  EXPECT_EQ(counters_.Likes("s"), 1);
  EXPECT_EQ(dedup_.positions["dedup:a:b:c"], "0:1/s");
}

// The batcher reports how old the oldest event it checked for duplicates
// was (its timeStamp against the wall clock), to compare with DEDUP_TTL_S.
TEST_F(LikeBatcherTest, ReportsTheAgeOfTheOldestClaimedEvent) {
  LikeBatcherOptions options;
  options.wall_clock_ms = [] { return int64_t{1700000000000} + 3600 * 1000; };
  auto batcher = StartConsumer(std::move(options));
  log_.Assign(*batcher, {0});
  Produce(0, "e1", "a");  // timeStamp 1700000000000: an hour old
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(batcher->metrics().oldest_claimed_event_age_ms, 3600 * 1000);
}

// Clients choose eventIds: a user who sends another user's (future) eventId
// first must not make that user's like a duplicate.
TEST_F(LikeBatcherTest, TheSameEventIdFromAnotherUserIsCountedAndDedupedPerUser) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  log_.Append(0, "a", Like("shared-id", "a", "attacker"));
  log_.Append(0, "a", Like("shared-id", "a", "victim"));
  log_.Append(0, "a", Like("shared-id", "a", "victim"));  // the victim's retry
  PollAll(*batcher);
  ASSERT_TRUE(batcher->Flush().ok());

  EXPECT_EQ(counters_.Likes("a"), 2);
  EXPECT_EQ(batcher->metrics().duplicates_dropped, 1u);
  EXPECT_EQ(dedup_.positions["dedup:attacker:shared-id"], "0:0/a");
  EXPECT_EQ(dedup_.positions["dedup:victim:shared-id"], "0:1/a");
}

TEST_F(LikeBatcherTest, DeadLettersEveryKindOfMalformedMessageAndCommitsPastThem) {
  const std::string malformed[] = {
      "",
      "not json",
      "[1,2]",
      "{}",
      R"({"eventId":"e","type":"DISLIKE","streamId":"a","userId":"u","timeStamp":1})",
      R"({"type":"LIKE","streamId":"a","userId":"u","timeStamp":1})",
      R"({"eventId":"","type":"LIKE","streamId":"a","userId":"u","timeStamp":1})",
      R"({"eventId":"e","type":"LIKE","streamId":"a b","userId":"u","timeStamp":1})",
      R"({"eventId":"e","type":"LIKE","streamId":"a","userId":7,"timeStamp":1})",
      R"({"eventId":"e","type":"LIKE","streamId":"a","userId":"u","timeStamp":"now"})",
      R"({"eventId":"e","type":"LIKE","streamId":"a","userId":"u"})",
      Like("e", std::string(kMaxStreamIdLength + 1, 's')),
      Like(std::string(kMaxEventIdLength + 1, 'e'), "a"),
      Like("e", "a") + std::string(kMaxEventBytes, ' '),
  };
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {4});
  log_.Append(4, "a", Like("ok-1", "a"));
  for (const std::string& value : malformed) log_.Append(4, "key", value);
  log_.Append(4, "a", Like("ok-2", "a"));
  PollAll(*batcher);

  ASSERT_TRUE(batcher->Flush().ok());

  ASSERT_EQ(dead_letters_.sent.size(), std::size(malformed));
  for (size_t i = 0; i < std::size(malformed); ++i) {
    const DeadLetter& letter = dead_letters_.sent[i];
    EXPECT_EQ(letter.original.value, malformed[i]);
    EXPECT_EQ(letter.original.key, "key");
    EXPECT_EQ(letter.original.topic, FakeEventLog::kTopic);
    EXPECT_EQ(letter.original.partition, 4);
    EXPECT_EQ(letter.original.offset, static_cast<int64_t>(i + 1));
    EXPECT_THAT(letter.reason, Not(IsEmpty())) << "for " << malformed[i];
  }
  EXPECT_EQ(counters_.Likes("a"), 2);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{4, std::size(malformed) + 2}}));
  EXPECT_EQ(batcher->metrics().dead_lettered, std::size(malformed));
}

TEST_F(LikeBatcherTest, OnlyMalformedMessagesStillCommit) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  log_.Append(0, "", "garbage");
  PollAll(*batcher);

  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(dead_letters_.sent.size(), 1u);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 1}}));
  EXPECT_EQ(dedup_.calls, 0);
  EXPECT_EQ(counters_.read_calls, 0);
  EXPECT_THAT(publisher_.messages, IsEmpty());
}

TEST_F(LikeBatcherTest, DeadLetterFailureCommitsNothingAndTheRetrySendsEachLetterOnce) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  log_.Append(0, "", "bad-1");
  log_.Append(0, "", "bad-2");
  Produce(0, "e1", "a");
  PollAll(*batcher);
  dead_letters_.failures.FailNext(1, /*successes_first=*/1);

  const Status failed = batcher->Flush().status;
  EXPECT_THAT(failed.message(), HasSubstr("0:1"));
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_EQ(counters_.Likes("a"), 0);

  ASSERT_TRUE(batcher->Flush().ok());
  ASSERT_EQ(dead_letters_.sent.size(), 2u);
  EXPECT_EQ(dead_letters_.sent[0].original.value, "bad-1");
  EXPECT_EQ(dead_letters_.sent[1].original.value, "bad-2");
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 3}}));
}

TEST_F(LikeBatcherTest, CrashAfterApplyBeforeCommitThenReplayCountsExactlyOnce) {
  Produce(0, "e1", "a");
  Produce(0, "e2", "a");
  Produce(0, "e1", "a");  // duplicate
  Produce(1, "e3", "b");
  bool crashed = false;
  {
    auto doomed = StartConsumer({.before_commit_for_testing = [&] {
      EXPECT_EQ(counters_.Likes("a"), 2) << "the hook runs after the apply";
      crashed = true;
      throw SimulatedCrash{};
    }});
    log_.Assign(*doomed, {0, 1});
    PollAll(*doomed);
    EXPECT_THROW((void)doomed->Flush(), SimulatedCrash);
  }
  ASSERT_TRUE(crashed);
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_THAT(publisher_.messages, IsEmpty());

  // The restarted consumer reads again from the committed offsets (nothing).
  auto restarted = StartConsumer();
  log_.Assign(*restarted, {0, 1});
  Produce(0, "e4", "a");
  PollAll(*restarted);
  ASSERT_TRUE(restarted->Flush().ok());

  EXPECT_EQ(counters_.Likes("a"), 3);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 4}, {1, 1}}));
  EXPECT_THAT(publisher_.messages,
              ElementsAre(ElementsAre(StreamTotal{"a", 3}, StreamTotal{"b", 1})))
      << "the replay publishes what the crashed flush could not";
  EXPECT_EQ(restarted->metrics().likes_counted, 1u);
}

TEST_F(LikeBatcherTest, PartiallyAppliedBulkUpdateIsRetriedExactly) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  Produce(0, "e1", "a");
  Produce(0, "e2", "b");
  Produce(0, "e3", "c");
  PollAll(*batcher);
  counters_.updates_before_error = 1;

  EXPECT_FALSE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("a"), 1) << "the first update went through";
  EXPECT_EQ(counters_.Likes("b"), 0);
  EXPECT_THAT(log_.commits, IsEmpty());

  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_EQ(counters_.Likes("c"), 1);
  EXPECT_THAT(publisher_.messages, ElementsAre(ElementsAre(StreamTotal{"a", 1}, StreamTotal{"b", 1},
                                                           StreamTotal{"c", 1})));
}

TEST_F(LikeBatcherTest, ADocumentChangedBetweenReadAndWriteIsReReadAndReplanned) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  counters_.documents["a"] = {10, {{3, 30}}};
  Produce(0, "e1", "a");
  Produce(0, "e2", "b");
  PollAll(*batcher);
  bool other_writer_done = false;
  counters_.before_apply = [&] {
    if (other_writer_done) return;
    other_writer_done = true;
    counters_.documents["a"].likes += 5;  // e.g. the owner of partition 3
    counters_.documents["a"].watermarks[3] = 40;
  };

  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("a"), 16);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_EQ(counters_.read_calls, 2);
  EXPECT_EQ(batcher->metrics().update_conflicts, 1u);
  EXPECT_THAT(publisher_.messages,
              ElementsAre(ElementsAre(StreamTotal{"a", 16}, StreamTotal{"b", 1})))
      << "published totals are exact";
}

TEST_F(LikeBatcherTest, DocumentsThatKeepChangingFailTheFlushUntilTheyCalmDown) {
  auto batcher = StartConsumer({.max_apply_attempts = 3});
  log_.Assign(*batcher, {0});
  counters_.documents["a"] = {10, {}};
  Produce(0, "e1", "a");
  PollAll(*batcher);
  counters_.before_apply = [&] { ++counters_.documents["a"].likes; };

  const Status failed = batcher->Flush().status;
  EXPECT_THAT(failed.message(), HasSubstr("\"a\""));
  EXPECT_EQ(counters_.apply_calls, 3);
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_EQ(batcher->metrics().flushes_failed, 1u);

  counters_.before_apply = nullptr;
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("a"), 14);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 1}}));
}

enum class FailingStep { kDedup, kRead, kApply, kCommit };

class LikeBatcherStoreErrorTest : public LikeBatcherTest,
                                  public ::testing::WithParamInterface<FailingStep> {};

TEST_P(LikeBatcherStoreErrorTest, CommitsNothingAndTheRetryCountsOnce) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(0, "e1", "a");
  Produce(1, "e2", "b");
  PollAll(*batcher);
  switch (GetParam()) {
    case FailingStep::kDedup:
      dedup_.failures.FailNext();
      break;
    case FailingStep::kRead:
      counters_.read_failures.FailNext();
      break;
    case FailingStep::kApply:
      counters_.apply_failures.FailNext();
      break;
    case FailingStep::kCommit:
      log_.commit_failures.FailNext();
      break;
  }

  const Status failed = batcher->Flush().status;
  EXPECT_THAT(failed.message(), HasSubstr("injected failure"));
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_THAT(publisher_.messages, IsEmpty());
  EXPECT_EQ(batcher->buffered_messages(), 3u) << "kept for the retry";
  EXPECT_EQ(batcher->metrics().flushes_failed, 1u);

  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 2}, {1, 1}}));
  EXPECT_THAT(publisher_.messages,
              ElementsAre(ElementsAre(StreamTotal{"a", 1}, StreamTotal{"b", 1})));
  EXPECT_EQ(batcher->metrics().duplicates_dropped, 1u);
}

INSTANTIATE_TEST_SUITE_P(EveryStep, LikeBatcherStoreErrorTest,
                         ::testing::Values(FailingStep::kDedup, FailingStep::kRead,
                                           FailingStep::kApply, FailingStep::kCommit));

TEST_F(LikeBatcherTest, PublishFailureIsReportedAfterTheCommit) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  Produce(0, "e1", "a");
  PollAll(*batcher);
  publisher_.failures.FailNext();

  const FlushResult result = batcher->Flush();
  EXPECT_TRUE(result.committed());
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.status.ok()) << "the flush itself did not fail";
  EXPECT_EQ(result.messages, 1u);
  EXPECT_THAT(result.published.message(), HasSubstr("flush committed"));
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 1}}));
  EXPECT_EQ(batcher->buffered_messages(), 0u);
  EXPECT_EQ(counters_.Likes("a"), 1);
}

TEST_F(LikeBatcherTest, RevocationFlushesAndCommitsWhileThePartitionIsStillOwned) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(1, "e2", "b");
  PollAll(*batcher);

  log_.Revoke(*batcher, {0});
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 1}, {1, 1}}));
  EXPECT_EQ(counters_.Likes("a"), 1);
  EXPECT_EQ(batcher->buffered_messages(), 0u);

  // A late message of the revoked partition is not taken.
  batcher->Add({FakeEventLog::kTopic, 0, 1, "a", Like("e3", "a")}, kStart);
  EXPECT_EQ(batcher->buffered_messages(), 0u);
  EXPECT_EQ(batcher->metrics().messages_ignored, 1u);
}

TEST_F(LikeBatcherTest, RevocationWithStoresDownLeavesTheRevokedMessagesToTheNextOwner) {
  auto old_owner = StartConsumer();
  log_.Assign(*old_owner, {0, 1});
  Produce(0, "e1", "a");
  Produce(0, "e2", "a");
  Produce(1, "e3", "b");
  PollAll(*old_owner);
  counters_.read_failures.FailNext();

  log_.Revoke(*old_owner, {0});
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_EQ(old_owner->buffered_messages(), 1u) << "partition 1 is kept";
  EXPECT_EQ(old_owner->metrics().messages_dropped_on_rebalance, 2u);

  auto new_owner = StartConsumer();
  log_.Assign(*new_owner, {0});
  PollAll(*new_owner);
  ASSERT_TRUE(new_owner->Flush().ok());
  ASSERT_TRUE(old_owner->Flush().ok());

  EXPECT_EQ(counters_.Likes("a"), 2);
  EXPECT_EQ(counters_.Likes("b"), 1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 2}}, Offsets{{1, 1}}))
      << "the old owner never commits partition 0";
}

TEST_F(LikeBatcherTest, LostPartitionsAreDroppedWithoutCommitting) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0, 1});
  Produce(0, "e1", "a");
  Produce(1, "e2", "b");
  PollAll(*batcher, kStart);

  batcher->OnPartitionsLost({0, 1});
  EXPECT_EQ(batcher->buffered_messages(), 0u);
  EXPECT_FALSE(batcher->ShouldFlush(kStart + std::chrono::hours(1)));
  ASSERT_TRUE(batcher->Flush().ok());
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_EQ(counters_.Likes("a"), 0);
}

TEST_F(LikeBatcherTest, IgnoresUnownedPartitionsAndMessagesDeliveredTwice) {
  auto batcher = StartConsumer();
  log_.Assign(*batcher, {0});
  const LogMessage first = {FakeEventLog::kTopic, 0, 7, "a", Like("e1", "a")};
  const LogMessage second = {FakeEventLog::kTopic, 0, 8, "a", Like("e2", "a")};
  batcher->Add(first, kStart);
  batcher->Add(second, kStart);
  batcher->Add(first, kStart);
  batcher->Add({FakeEventLog::kTopic, 5, 0, "b", Like("e3", "b")}, kStart);
  EXPECT_EQ(batcher->buffered_messages(), 2u);
  EXPECT_EQ(batcher->metrics().messages_ignored, 2u);

  ASSERT_TRUE(batcher->Flush().ok());
  batcher->Add(second, kStart);  // redelivered after its commit
  EXPECT_EQ(batcher->buffered_messages(), 0u);
  EXPECT_EQ(counters_.Likes("a"), 2);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 9}}));
}

TEST_F(LikeBatcherTest, AFlushOutOfTimeCommitsNothingAndTheNextOneGoesOnWhereItStopped) {
  // Each Apply call takes "4 s" of a 5 s budget: the first flush applies two
  // slices of one stream each, then stops.
  LikeBatcher::Clock::time_point now = kStart;
  counters_.before_apply = [&] { now += std::chrono::seconds(4); };
  auto batcher = StartConsumer({.updates_per_apply = 1,
                                .max_flush_duration = std::chrono::seconds(5),
                                .now = [&] { return now; }});
  log_.Assign(*batcher, {0});
  for (const std::string stream : {"a", "b", "c", "d", "e"}) Produce(0, "e-" + stream, stream);
  PollAll(*batcher);

  const FlushResult first = batcher->Flush();
  EXPECT_EQ(first.outcome, FlushResult::Outcome::kIncomplete);
  EXPECT_THAT(first.status.message(), HasSubstr("2 of 5 stream updates applied"));
  EXPECT_THAT(log_.commits, IsEmpty());
  EXPECT_THAT(publisher_.messages, IsEmpty());
  EXPECT_EQ(batcher->buffered_messages(), 5u);
  EXPECT_EQ(counters_.Likes("a") + counters_.Likes("b"), 2);
  EXPECT_EQ(batcher->metrics().flushes_incomplete, 1u);

  Produce(0, "e-a2", "a");  // arrives during the poll between the two flushes
  PollAll(*batcher);
  EXPECT_EQ(batcher->Flush().outcome, FlushResult::Outcome::kIncomplete);
  counters_.before_apply = nullptr;
  ASSERT_TRUE(batcher->Flush().ok());

  EXPECT_EQ(counters_.Likes("a"), 2);
  for (const std::string stream : {"b", "c", "d", "e"}) EXPECT_EQ(counters_.Likes(stream), 1);
  EXPECT_THAT(log_.commits, ElementsAre(Offsets{{0, 6}}));
  ASSERT_EQ(publisher_.messages.size(), 1u);
  EXPECT_EQ(publisher_.messages[0].size(), 5u)
      << "every stream of the flush, applied early or late";
  EXPECT_EQ(batcher->metrics().likes_counted, 6u);
}

}  // namespace
}  // namespace la
