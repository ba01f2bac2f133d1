// Fuzzes the Engine.IO decoders (core/engineio.h) on everything a client controls: a
// polling POST body (packets separated by \x1e, binary ones as "b" + base64), one packet's
// text, and a WebSocket frame, text or binary. Whatever decodes re-encodes to a form that
// decodes to the same packets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "socketio/protocol/engineio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (la::Result<std::vector<la::EioPacket>> packets = la::DecodePayload(bytes); packets.ok()) {
    la::Result<std::vector<la::EioPacket>> again = la::DecodePayload(la::EncodePayload(*packets));
    if (!again.ok() || *again != *packets) __builtin_trap();
  }
  if (la::Result<la::EioPacket> packet = la::DecodePacketText(bytes); packet.ok()) {
    la::Result<la::EioPacket> again = la::DecodePacketText(la::EncodePacketText(*packet));
    if (!again.ok() || *again != *packet) __builtin_trap();
  }
  for (bool binary : {false, true}) {
    if (la::Result<la::EioPacket> frame = la::DecodeWebSocketFrame(bytes, binary); frame.ok()) {
      la::WebSocketFrame encoded = la::EncodeWebSocketFrame(*frame);
      la::Result<la::EioPacket> again = la::DecodeWebSocketFrame(encoded.bytes, encoded.binary);
      if (!again.ok() || *again != *frame) __builtin_trap();
    }
  }
  // The query parameters of a request, cut from the same bytes.
  const std::string_view method = size % 3 == 0 ? "GET" : size % 3 == 1 ? "POST" : "PUT";
  (void)la::CheckEioRequest({bytes.substr(0, 1), bytes.substr(0, 9), bytes, method, size % 2 == 0});
  return 0;
}
