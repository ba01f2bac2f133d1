#include "socketio/protocol/rooms.h"

namespace la {

bool Rooms::Join(std::string_view socket, std::string_view room) {
  if (!Link(members_by_room_, room, socket)) return false;
  Link(rooms_by_socket_, socket, room);
  return true;
}

bool Rooms::Leave(std::string_view socket, std::string_view room) {
  if (!Unlink(members_by_room_, room, socket)) return false;
  Unlink(rooms_by_socket_, socket, room);
  return true;
}

void Rooms::LeaveAll(std::string_view socket) {
  const auto rooms = rooms_by_socket_.find(socket);
  if (rooms == rooms_by_socket_.end()) return;
  for (const std::string& room : rooms->second) Unlink(members_by_room_, room, socket);
  rooms_by_socket_.erase(rooms);
}

const Rooms::NameSet& Rooms::Members(std::string_view room) const {
  return Lookup(members_by_room_, room);
}

const Rooms::NameSet& Rooms::RoomsOf(std::string_view socket) const {
  return Lookup(rooms_by_socket_, socket);
}

bool Rooms::IsMember(std::string_view socket, std::string_view room) const {
  return Members(room).contains(socket);
}

bool Rooms::Link(Index& index, std::string_view key, std::string_view value) {
  auto entry = index.find(key);
  if (entry == index.end()) entry = index.emplace(std::string(key), NameSet()).first;
  return entry->second.emplace(value).second;
}

bool Rooms::Unlink(Index& index, std::string_view key, std::string_view value) {
  const auto entry = index.find(key);
  if (entry == index.end()) return false;
  const auto element = entry->second.find(value);
  if (element == entry->second.end()) return false;
  entry->second.erase(element);
  if (entry->second.empty()) index.erase(entry);
  return true;
}

const Rooms::NameSet& Rooms::Lookup(const Index& index, std::string_view key) {
  static const NameSet kEmpty;
  const auto entry = index.find(key);
  return entry == index.end() ? kEmpty : entry->second;
}

}  // namespace la
