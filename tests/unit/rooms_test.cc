#include "socketio/protocol/rooms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(RoomsTest, JoinAddsTheSocketToTheRoomAndTheRoomToTheSocket) {
  Rooms rooms;
  EXPECT_TRUE(rooms.Join("socket-a", "stream-1"));
  EXPECT_TRUE(rooms.Join("socket-b", "stream-1"));
  EXPECT_TRUE(rooms.Join("socket-a", "stream-2"));
  EXPECT_THAT(rooms.Members("stream-1"), UnorderedElementsAre("socket-a", "socket-b"));
  EXPECT_THAT(rooms.Members("stream-2"), UnorderedElementsAre("socket-a"));
  EXPECT_THAT(rooms.RoomsOf("socket-a"), UnorderedElementsAre("stream-1", "stream-2"));
  EXPECT_THAT(rooms.RoomsOf("socket-b"), UnorderedElementsAre("stream-1"));
  EXPECT_TRUE(rooms.IsMember("socket-b", "stream-1"));
  EXPECT_FALSE(rooms.IsMember("socket-b", "stream-2"));
  EXPECT_EQ(rooms.room_count(), 2u);
}

TEST(RoomsTest, JoiningTwiceChangesNothing) {
  Rooms rooms;
  EXPECT_TRUE(rooms.Join("socket-a", "stream-1"));
  EXPECT_FALSE(rooms.Join("socket-a", "stream-1"));
  EXPECT_THAT(rooms.Members("stream-1"), UnorderedElementsAre("socket-a"));
  EXPECT_THAT(rooms.RoomsOf("socket-a"), UnorderedElementsAre("stream-1"));
}

TEST(RoomsTest, LeaveRemovesOnlyThatPairAndForgetsEmptyRooms) {
  Rooms rooms;
  rooms.Join("socket-a", "stream-1");
  rooms.Join("socket-b", "stream-1");
  rooms.Join("socket-a", "stream-2");
  EXPECT_TRUE(rooms.Leave("socket-a", "stream-2"));
  EXPECT_THAT(rooms.Members("stream-2"), IsEmpty());
  EXPECT_EQ(rooms.room_count(), 1u);
  EXPECT_THAT(rooms.RoomsOf("socket-a"), UnorderedElementsAre("stream-1"));
  EXPECT_THAT(rooms.Members("stream-1"), UnorderedElementsAre("socket-a", "socket-b"));
}

TEST(RoomsTest, LeavingARoomOneIsNotInReturnsFalse) {
  Rooms rooms;
  EXPECT_FALSE(rooms.Leave("socket-a", "stream-1"));
  rooms.Join("socket-b", "stream-1");
  EXPECT_FALSE(rooms.Leave("socket-a", "stream-1"));
  EXPECT_THAT(rooms.Members("stream-1"), UnorderedElementsAre("socket-b"));
}

TEST(RoomsTest, LeaveAllRemovesTheSocketEverywhereAndKeepsOthers) {
  Rooms rooms;
  rooms.Join("socket-a", "stream-1");
  rooms.Join("socket-a", "stream-2");
  rooms.Join("socket-a", "stream-3");
  rooms.Join("socket-b", "stream-2");
  rooms.LeaveAll("socket-a");
  EXPECT_THAT(rooms.RoomsOf("socket-a"), IsEmpty());
  EXPECT_THAT(rooms.Members("stream-1"), IsEmpty());
  EXPECT_THAT(rooms.Members("stream-2"), UnorderedElementsAre("socket-b"));
  EXPECT_EQ(rooms.room_count(), 1u);
  rooms.LeaveAll("socket-a");  // again: nothing to do
  rooms.LeaveAll("never-joined");
  EXPECT_EQ(rooms.room_count(), 1u);
}

TEST(RoomsTest, UnknownNamesHaveNoMembersAndNoRooms) {
  const Rooms rooms;
  EXPECT_THAT(rooms.Members("nobody-here"), IsEmpty());
  EXPECT_THAT(rooms.RoomsOf("nobody"), IsEmpty());
  EXPECT_FALSE(rooms.IsMember("nobody", "nobody-here"));
  EXPECT_EQ(rooms.room_count(), 0u);
}

TEST(RoomsTest, ManySocketsChurningLeaveNothingBehind) {
  Rooms rooms;
  for (int socket = 0; socket < 1000; ++socket) {
    for (int room = 0; room < 10; ++room) {
      rooms.Join("socket-" + std::to_string(socket),
                 "stream-" + std::to_string((socket + room) % 50));
    }
  }
  EXPECT_EQ(rooms.room_count(), 50u);
  EXPECT_EQ(rooms.Members("stream-0").size(), 200u);
  for (int socket = 0; socket < 1000; ++socket) rooms.LeaveAll("socket-" + std::to_string(socket));
  EXPECT_EQ(rooms.room_count(), 0u);
}

}  // namespace
}  // namespace la
