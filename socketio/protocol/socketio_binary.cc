#include "socketio/protocol/socketio_binary.h"

#include <cassert>
#include <charconv>

namespace la {
namespace {

// The type character of the packet a binary packet carries, and back.
constexpr char kEvent = '0' + static_cast<char>(SioPacketType::kEvent);
constexpr char kAck = '0' + static_cast<char>(SioPacketType::kAck);
constexpr char kBinaryEvent = '0' + static_cast<char>(SioPacketType::kBinaryEvent);
constexpr char kBinaryAck = '0' + static_cast<char>(SioPacketType::kBinaryAck);

}  // namespace

Result<SioPacketHeader> DecodeSioPacketHeader(std::string_view text) {
  const bool binary = !text.empty() && (text[0] == kBinaryEvent || text[0] == kBinaryAck);
  if (!binary) {
    Result<SioPacket> packet = DecodeSioPacket(text);
    if (!packet.ok()) return packet.status();
    return SioPacketHeader{std::move(*packet), 0};
  }
  const size_t dash = text.find('-');
  size_t attachments = 0;
  const char* digits_end = dash == std::string_view::npos ? nullptr : text.data() + dash;
  const std::from_chars_result count =
      digits_end == nullptr ? std::from_chars_result{text.data(), std::errc::invalid_argument}
                            : std::from_chars(text.data() + 1, digits_end, attachments);
  if (count.ec != std::errc() || count.ptr != digits_end) {
    return Status::Error(
        "a binary Socket.IO packet must start with its attachment count and '-', as in "
        "\"51-[...]\"; got \"" +
        std::string(text.substr(0, 24)) + "\"");
  }
  // The carried packet: the type without "binary", then the rest after the dash.
  std::string carried(1, text[0] == kBinaryEvent ? kEvent : kAck);
  carried.append(text.substr(dash + 1));
  Result<SioPacket> packet = DecodeSioPacket(carried);
  if (!packet.ok()) return packet.status();
  return SioPacketHeader{std::move(*packet), attachments};
}

std::string WithAttachments(std::string text, size_t attachments) {
  assert(!text.empty() && (text[0] == kEvent || text[0] == kAck) && attachments > 0);
  text[0] = text[0] == kEvent ? kBinaryEvent : kBinaryAck;
  text.insert(1, std::to_string(attachments) + "-");
  return text;
}

}  // namespace la
