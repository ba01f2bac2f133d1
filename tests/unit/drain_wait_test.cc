#include "async/drain_wait.h"

#include <gtest/gtest.h>

namespace la::async {
namespace {

using std::chrono::milliseconds;

TEST(DrainWaitTest, GoesOnOnceDrained) {
  boost::asio::io_context io;
  int checks = 0;
  int done = 0;
  CallWhenDrained(
      io, [&] { return ++checks >= 3; }, milliseconds(60000), [&] { ++done; });
  io.run();
  EXPECT_EQ(checks, 3) << "checked until drained, then no more";
  EXPECT_EQ(done, 1);
}

TEST(DrainWaitTest, GoesOnAfterTheGraceWhenNeverDrained) {
  boost::asio::io_context io;
  int checks = 0;
  int done = 0;
  CallWhenDrained(
      io, [&] { return ++checks, false; }, milliseconds(50), [&] { ++done; });
  io.run();  // returns only because the wait ended
  EXPECT_EQ(done, 1);
  EXPECT_GE(checks, 2);
}

}  // namespace
}  // namespace la::async
