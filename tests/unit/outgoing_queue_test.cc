// The packets waiting for one client: order, the byte bound, the packet that ends a
// session, the polling body, and a closed queue.
#include "socketio/internal/outgoing_queue.h"

#include <gtest/gtest.h>

#include <string>

namespace la {
namespace {

EioPacketText Text(const std::string& text) { return std::make_shared<const std::string>(text); }

// The latest value per key; counts how often it is encoded.
class Latest final : public SioUpdate {
 public:
  Latest(std::string key, int value, int* encodings)
      : key_(std::move(key)), value_(value), encodings_(encodings) {}
  bool Conflates(const SioUpdate& newer) const override {
    return static_cast<const Latest&>(newer).key_ == key_;
  }
  std::shared_ptr<const SioUpdate> MergedWith(const SioUpdate& newer) const override {
    return std::make_shared<Latest>(key_, static_cast<const Latest&>(newer).value_, encodings_);
  }
  SioEncodedPacket Encode() const override {
    ++*encodings_;
    return Text("4" + key_ + "=" + std::to_string(value_));
  }
  size_t EncodedSizeBound() const override { return 16; }

 private:
  std::string key_;
  int value_;
  int* encodings_;
};

TEST(OutgoingQueueTest, SendsInOrderAndCountsItsBytes) {
  OutgoingQueue queue(100);
  EXPECT_EQ(queue.Push(Text("4a")), OutgoingQueue::Pushed::kQueued);
  EXPECT_EQ(queue.Push(Text("4bcd")), OutgoingQueue::Pushed::kQueued);
  EXPECT_EQ(queue.bytes(), 6u);
  EXPECT_EQ(*queue.TakeFront(), "4a");
  EXPECT_EQ(queue.bytes(), 4u);
  EXPECT_EQ(*queue.TakeFront(), "4bcd");
  EXPECT_EQ(queue.TakeFront(), nullptr);
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(OutgoingQueueTest, RefusesAPacketOverItsByteLimitButNotTheLastPacket) {
  OutgoingQueue queue(10);
  EXPECT_EQ(queue.Push(Text("4123456")), OutgoingQueue::Pushed::kQueued);
  EXPECT_EQ(queue.Push(Text("4abcd")), OutgoingQueue::Pushed::kOverflow);
  EXPECT_EQ(queue.size(), 1u);
  queue.PushLast(Text("1"));  // the close packet always fits
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.bytes(), 8u);
}

TEST(OutgoingQueueTest, APollingBodyTakesEverythingSeparatedByRecordSeparators) {
  OutgoingQueue queue(100);
  queue.Push(Text("4a"));
  queue.Push(Text("2"));
  queue.PushLast(Text("1"));
  EXPECT_EQ(queue.TakeAllAsPayload(),
            "4a\x1e"
            "2\x1e"
            "1");
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(OutgoingQueueTest, AClosedQueueTakesNoMorePacketsButStillHandsOutWhatItHolds) {
  OutgoingQueue queue(100);
  queue.Push(Text("4a"));
  queue.Close();
  EXPECT_TRUE(queue.closed());
  EXPECT_EQ(queue.Push(Text("4b")), OutgoingQueue::Pushed::kClosed);
  EXPECT_EQ(*queue.TakeFront(), "4a");
  EXPECT_TRUE(queue.empty());
}

TEST(OutgoingQueueTest, AnUpdateFoldsIntoAWaitingOneOfItsKeyAndIsEncodedWhenTaken) {
  OutgoingQueue queue(1000);
  int encodings = 0;
  auto update = [&](const std::string& key, int value) {
    auto latest = std::make_shared<Latest>(key, value, &encodings);
    return queue.Push(latest->Encode(), latest, /*may_merge=*/true);
  };
  EXPECT_EQ(update("a", 1), OutgoingQueue::Pushed::kQueued);
  EXPECT_EQ(update("b", 1), OutgoingQueue::Pushed::kQueued);
  encodings = 0;
  EXPECT_EQ(update("a", 2), OutgoingQueue::Pushed::kMerged);
  EXPECT_EQ(update("a", 3), OutgoingQueue::Pushed::kMerged);
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(encodings, 2) << "only the pushed packets were encoded; merging encodes nothing";
  EXPECT_EQ(*queue.TakeFront(), "4a=3");
  EXPECT_EQ(encodings, 3) << "the merged update is encoded once, when it is taken";
  EXPECT_EQ(*queue.TakeFront(), "4b=1");
}

TEST(OutgoingQueueTest, AnUpdateNeverOvertakesAPacketWithoutOne) {
  OutgoingQueue queue(1000);
  int encodings = 0;
  auto first = std::make_shared<Latest>("a", 1, &encodings);
  queue.Push(first->Encode(), first, true);
  queue.Push(Text("43[\"ack\"]"));
  auto second = std::make_shared<Latest>("a", 2, &encodings);
  EXPECT_EQ(queue.Push(second->Encode(), second, true), OutgoingQueue::Pushed::kQueued);
  auto polling = std::make_shared<Latest>("a", 3, &encodings);
  EXPECT_EQ(queue.Push(polling->Encode(), polling, /*may_merge=*/false),
            OutgoingQueue::Pushed::kQueued);
  EXPECT_EQ(queue.size(), 4u);
}

}  // namespace
}  // namespace la
