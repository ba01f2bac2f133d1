// Fuzzes the Socket.IO decoders a client's text reaches (core/socketio.h,
// core/socketio_binary.h, core/json_depth.h) in the order the server applies them: the
// JSON depth guard, then the packet header with its binary attachment count. A decoded
// packet without attachments re-encodes to text that decodes to the same packet.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json_depth.h"
#include "socketio/protocol/socketio.h"
#include "socketio/protocol/socketio_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)la::IsValidNamespace(text);
  if (!la::JsonDepthWithin(text, 32)) return 0;  // the server refuses deeper JSON first
  la::Result<la::SioPacket> plain = la::DecodeSioPacket(text);
  la::Result<la::SioPacketHeader> header = la::DecodeSioPacketHeader(text);
  if (!header.ok()) return 0;
  if (header->attachments > 0) {
    (void)la::WithAttachments(la::EncodeSioPacket(header->packet), header->attachments);
    return 0;
  }
  // A packet of a plain type decodes the same both ways. (A binary type announcing 0
  // attachments, "60-9[...]", is one only the header decoder takes: found by this target,
  // kept in its corpus as regression_binary_ack_zero_attachments.)
  const bool binary_type = !text.empty() && (text[0] == '5' || text[0] == '6');
  if (!plain.ok() && !binary_type) __builtin_trap();
  la::Result<la::SioPacket> again = la::DecodeSioPacket(la::EncodeSioPacket(header->packet));
  if (!again.ok() || again->type != header->packet.type || again->nsp != header->packet.nsp ||
      again->id != header->packet.id || again->data != header->packet.data) {
    __builtin_trap();
  }
  return 0;
}
