// Room membership for one Socket.IO namespace: which sockets are in which rooms, so that an
// update for a stream is sent only to the sockets that subscribed to it. Sockets and rooms
// are named by strings (Socket.IO socket ids, stream ids). Every operation is an average
// O(1) hash lookup per (socket, room) pair it touches; a room with no members and a socket
// in no room take no memory.
//
// Not thread-safe: one instance belongs to one strand (or is guarded by the caller).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace la {

class Rooms {
 private:
  // Lets the containers be searched with a std::string_view without building a std::string.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

 public:
  using NameSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

  // Puts `socket` in `room`. Returns false if it was already there (nothing changes).
  bool Join(std::string_view socket, std::string_view room);

  // Takes `socket` out of `room`. Returns false if it was not there.
  bool Leave(std::string_view socket, std::string_view room);

  // Takes `socket` out of every room, e.g. when it disconnects.
  void LeaveAll(std::string_view socket);

  // The sockets in `room` (empty if none). The reference is valid until the next Join,
  // Leave or LeaveAll: copy it before changing membership while iterating.
  const NameSet& Members(std::string_view room) const;

  // The rooms `socket` is in (empty if none); same validity as Members.
  const NameSet& RoomsOf(std::string_view socket) const;

  bool IsMember(std::string_view socket, std::string_view room) const;

  // How many rooms have at least one member.
  size_t room_count() const { return members_by_room_.size(); }

 private:
  using Index = std::unordered_map<std::string, NameSet, StringHash, std::equal_to<>>;

  // Adds / removes `value` under `key`, dropping the key when its set becomes empty.
  static bool Link(Index& index, std::string_view key, std::string_view value);
  static bool Unlink(Index& index, std::string_view key, std::string_view value);
  static const NameSet& Lookup(const Index& index, std::string_view key);

  Index members_by_room_;  // room -> sockets
  Index rooms_by_socket_;  // socket -> rooms; the same pairs, for LeaveAll and RoomsOf
};

}  // namespace la
