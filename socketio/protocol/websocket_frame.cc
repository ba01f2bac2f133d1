#include "socketio/protocol/websocket_frame.h"

namespace la {

WebSocketFrameHeader FrameHeader(WebSocketOpcode opcode, uint64_t payload_size,
                                 std::optional<uint32_t> mask) {
  WebSocketFrameHeader header;
  header.bytes[0] = static_cast<uint8_t>(0x80 | static_cast<uint8_t>(opcode));  // FIN + opcode
  const uint8_t mask_bit = mask ? 0x80 : 0;
  int length_bytes = 0;
  if (payload_size < 126) {
    header.bytes[1] = static_cast<uint8_t>(mask_bit | payload_size);
  } else if (payload_size <= 0xFFFF) {
    header.bytes[1] = mask_bit | 126;
    length_bytes = 2;
  } else {
    header.bytes[1] = mask_bit | 127;
    length_bytes = 8;
  }
  for (int i = 0; i < length_bytes; ++i) {
    header.bytes[2 + i] = static_cast<uint8_t>(payload_size >> (8 * (length_bytes - 1 - i)));
  }
  size_t at = 2 + length_bytes;
  if (mask) {
    for (int i = 3; i >= 0; --i) header.bytes[at++] = static_cast<uint8_t>(*mask >> (8 * i));
  }
  header.size = static_cast<uint8_t>(at);
  return header;
}

WebSocketFrameHeader ServerFrameHeader(bool binary, uint64_t payload_size) {
  return FrameHeader(binary ? WebSocketOpcode::kBinary : WebSocketOpcode::kText, payload_size);
}

}  // namespace la
