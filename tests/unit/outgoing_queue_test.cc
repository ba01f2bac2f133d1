// The packets waiting for one client: order, the byte bound, the packet that ends a
// session, the polling body, and a closed queue.
#include "socketio/internal/outgoing_queue.h"

#include <gtest/gtest.h>

#include <string>

namespace la {
namespace {

EioPacketText Text(const std::string& text) { return std::make_shared<const std::string>(text); }

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

}  // namespace
}  // namespace la
