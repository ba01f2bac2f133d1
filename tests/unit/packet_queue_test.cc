// The session's outgoing FIFO: order, the view of what waits, and the storage an idle
// queue keeps.
#include "socketio/internal/packet_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace la {
namespace {

std::vector<int> Waiting(PacketQueue<int>& queue) {
  return {queue.waiting().begin(), queue.waiting().end()};
}

TEST(PacketQueueTest, TakesEntriesInTheOrderTheyCame) {
  PacketQueue<int> queue;
  EXPECT_TRUE(queue.empty());
  for (int i = 1; i <= 3; ++i) queue.push_back(i);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.pop_front(), 1);
  queue.push_back(4);
  EXPECT_EQ(Waiting(queue), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(queue.pop_front(), 2);
  EXPECT_EQ(queue.pop_front(), 3);
  EXPECT_EQ(queue.pop_front(), 4);
  EXPECT_TRUE(queue.empty());
  queue.push_back(5);
  EXPECT_EQ(Waiting(queue), (std::vector<int>{5}));
}

TEST(PacketQueueTest, WaitingEntriesCanBeReplacedInPlace) {
  // How a conflated update replaces the newest waiting one.
  PacketQueue<std::string> queue;
  queue.push_back("a");
  queue.push_back("b");
  queue.waiting().back() = "b2";
  EXPECT_EQ(queue.pop_front(), "a");
  EXPECT_EQ(queue.pop_front(), "b2");
}

TEST(PacketQueueTest, ClearEmptiesTheQueue) {
  PacketQueue<int> queue;
  for (int i = 0; i < 100; ++i) queue.push_back(i);
  queue.pop_front();
  queue.clear();
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_TRUE(queue.waiting().empty());
}

TEST(PacketQueueTest, AQueueThatNeverEmptiesDropsWhatWasTaken) {
  // A slow client that is always behind: one taken, one added, for a long time.
  PacketQueue<int> queue;
  for (int i = 0; i < 20; ++i) queue.push_back(i);
  for (int i = 20; i < 10000; ++i) {
    EXPECT_EQ(queue.pop_front(), i - 20);
    queue.push_back(i);
    ASSERT_LE(queue.stored(), 2 * queue.size() + PacketQueue<int>::kKeptCapacity);
  }
  EXPECT_EQ(queue.size(), 20u);
  EXPECT_EQ(queue.pop_front(), 9980);
}

}  // namespace
}  // namespace la
