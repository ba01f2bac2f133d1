#include "consumer/cached_counter_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "consumer/like_batcher.h"
#include "core/counting/like_event.h"
#include "tests/unit/fakes/consumer_fakes.h"

namespace la {
namespace {

using ::testing::ElementsAre;
using testing::FakeCounterStore;
using Offsets = std::map<int32_t, int64_t>;

StreamUpdate Update(const std::string& stream, bool exists, int64_t expected_likes,
                    WatermarkAdvance advance, int64_t add) {
  return {stream, exists, expected_likes, {advance}, add, expected_likes + add};
}

TEST(CachedCounterStore, ReadsOnlyTheStreamsItHasNotSeen) {
  FakeCounterStore store;
  store.documents["a"] = {5, {{0, 9}}};
  CachedCounterStore cached(store, 100);

  const std::vector<std::string> ids = {"a", "b"};
  Result<StreamStates> first = cached.Read(ids);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 1u) << "b has no document";
  EXPECT_EQ(store.read_calls, 1);

  const std::vector<std::string> only_a = {"a"};
  Result<StreamStates> again = cached.Read(only_a);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(store.read_calls, 1) << "a is remembered";
  EXPECT_EQ(again->at("a").likes, 5);
  EXPECT_EQ(again->at("a").watermarks, (Offsets{{0, 9}}));

  cached.Read(ids);
  EXPECT_EQ(store.read_calls, 2) << "a stream without a document is read again";
}

TEST(CachedCounterStore, RemembersWhatAnAppliedUpdateProducedAndForgetsAMiss) {
  FakeCounterStore store;
  store.documents["a"] = {5, {{0, 9}, {3, 1}}, {{100, 101}, {7}}};
  store.documents["b"] = {7, {{0, 2}}};
  CachedCounterStore cached(store, 100);
  const std::vector<std::string> ids = {"a", "b"};
  ASSERT_TRUE(cached.Read(ids).ok());
  store.documents["b"].likes = 8;  // another writer

  std::vector<StreamUpdate> updates = {Update("a", true, 5, {0, 9, 12}, 2),
                                       Update("b", true, 7, {0, 2, 4}, 1),
                                       Update("c", false, 0, {0, std::nullopt, 3}, 1)};
  updates[0].history = {{{102, 2}}, {{7, 2}}, {100}, {}};
  Result<std::vector<UpdateOutcome>> outcomes = cached.Apply(updates);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_THAT(*outcomes, ElementsAre(UpdateOutcome::kApplied, UpdateOutcome::kStateChanged,
                                     UpdateOutcome::kApplied));
  EXPECT_EQ(cached.remembered_streams(), 2u) << "a and c";

  const int reads = store.read_calls;
  Result<StreamStates> states = cached.Read(ids);
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(store.read_calls, reads + 1) << "b, whose update missed, is read again";
  EXPECT_EQ(states->at("a").likes, 7);
  EXPECT_EQ(states->at("a").watermarks, (Offsets{{0, 12}, {3, 1}}));
  EXPECT_EQ(states->at("b").likes, 8);
  EXPECT_EQ(states->at("a").likes, store.documents["a"].likes);
  EXPECT_EQ(states->at("a").history, (HistoryBuckets{{101, 102}, {7}}));
}

TEST(CachedCounterStore, AFailedApplyForgetsItsStreams) {
  FakeCounterStore store;
  store.documents["a"] = {5, {{0, 9}}};
  CachedCounterStore cached(store, 100);
  const std::vector<std::string> ids = {"a"};
  ASSERT_TRUE(cached.Read(ids).ok());
  store.apply_failures.FailNext();

  const std::vector<StreamUpdate> updates = {Update("a", true, 5, {0, 9, 12}, 2)};
  EXPECT_FALSE(cached.Apply(updates).ok());
  EXPECT_EQ(cached.remembered_streams(), 0u);
}

TEST(CachedCounterStore, StaysWithinItsBound) {
  FakeCounterStore store;
  for (const std::string id : {"a", "b", "c", "d"}) store.documents[id] = {1, {{0, 1}}};
  CachedCounterStore cached(store, 3);
  const std::vector<std::string> ids = {"a", "b", "c", "d"};
  ASSERT_TRUE(cached.Read(ids).ok());
  EXPECT_LE(cached.remembered_streams(), 3u);
}

// A consumer whose remembered states went stale (another consumer counted into
// the same documents meanwhile, e.g. while it owned the partition) still counts
// every like once: the stale update misses, and the stream is read again.
TEST(CachedCounterStore, AConsumerWithStaleStatesStillCountsExactlyOnce) {
  testing::FakeEventLog log;
  testing::FakeDedupStore dedup;
  FakeCounterStore store;
  testing::FakeDeadLetterSink dead_letters;
  testing::FakeUpdatePublisher publisher;
  CachedCounterStore cached(store, 100);
  LikeBatcher batcher(log, dedup, cached, dead_letters, publisher, {});
  const auto now = LikeBatcher::Clock::now();
  auto poll = [&] {
    Result<std::vector<LogMessage>> messages =
        log.Poll(1000, std::chrono::milliseconds(0), batcher);
    ASSERT_TRUE(messages.ok());
    for (const LogMessage& m : *messages) batcher.Add(m, now);
  };
  log.Assign(batcher, {0});
  log.Append(0, "a", EncodeLikeEvent({"e1", "a", "u", 1700000000000}));
  poll();
  ASSERT_TRUE(batcher.Flush().ok());

  store.documents["a"].likes += 10;  // counted by someone else
  store.documents["a"].watermarks[5] = 40;
  log.Append(0, "a", EncodeLikeEvent({"e2", "a", "u", 1700000000000}));
  poll();
  ASSERT_TRUE(batcher.Flush().ok());

  EXPECT_EQ(store.documents["a"].likes, 12);
  EXPECT_EQ(store.documents["a"].watermarks, (Offsets{{0, 1}, {5, 40}}));
  EXPECT_EQ(batcher.metrics().update_conflicts, 1u);
}

}  // namespace
}  // namespace la
