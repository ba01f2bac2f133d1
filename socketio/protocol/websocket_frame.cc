#include "socketio/protocol/websocket_frame.h"

namespace la {

WebSocketFrameHeader ServerFrameHeader(bool binary, uint64_t payload_size) {
  WebSocketFrameHeader header;
  header.bytes[0] = binary ? 0x82 : 0x81;  // FIN + opcode
  int length_bytes = 0;
  if (payload_size < 126) {
    header.bytes[1] = static_cast<uint8_t>(payload_size);
  } else if (payload_size <= 0xFFFF) {
    header.bytes[1] = 126;
    length_bytes = 2;
  } else {
    header.bytes[1] = 127;
    length_bytes = 8;
  }
  for (int i = 0; i < length_bytes; ++i) {
    header.bytes[2 + i] = static_cast<uint8_t>(payload_size >> (8 * (length_bytes - 1 - i)));
  }
  header.size = static_cast<uint8_t>(2 + length_bytes);
  return header;
}

}  // namespace la
