#include "tools/fanout/websocket_frame.h"

namespace la::fanout {
namespace {

bool IsKnownOpcode(uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

}  // namespace

Result<std::optional<WsFrameHeader>> DecodeWsFrameHeader(std::span<const uint8_t> bytes,
                                                         bool expect_masked, uint64_t max_payload) {
  if (bytes.size() < 2) return std::optional<WsFrameHeader>();
  const uint8_t first = bytes[0];
  const uint8_t second = bytes[1];
  if ((first & 0x70) != 0) {
    return Status::Error("WebSocket frame with reserved bits set (first byte 0x" +
                         std::to_string(first) + "); no extension was negotiated");
  }
  const uint8_t op = first & 0x0f;
  if (!IsKnownOpcode(op)) {
    return Status::Error("WebSocket frame with unknown opcode " + std::to_string(op));
  }
  WsFrameHeader header;
  header.fin = (first & 0x80) != 0;
  header.opcode = static_cast<WebSocketOpcode>(op);
  const bool masked = (second & 0x80) != 0;
  if (masked != expect_masked) {
    return Status::Error(masked ? "masked WebSocket frame from the server"
                                : "unmasked WebSocket frame from a client");
  }
  uint64_t size = second & 0x7f;
  size_t at = 2;
  if (size == 126 || size == 127) {
    const size_t width = size == 126 ? 2 : 8;
    if (bytes.size() < at + width) return std::optional<WsFrameHeader>();
    size = 0;
    for (size_t i = 0; i < width; ++i) size = size << 8 | bytes[at + i];
    at += width;
    if (size >> 63) return Status::Error("WebSocket frame length with its top bit set");
  }
  if (op >= 8 && (!header.fin || size > 125)) {
    return Status::Error("WebSocket control frame (opcode " + std::to_string(op) +
                         ") fragmented or longer than 125 bytes (" + std::to_string(size) + ")");
  }
  if (size > max_payload) {
    return Status::Error("WebSocket frame of " + std::to_string(size) + " bytes, over the " +
                         std::to_string(max_payload) + "-byte limit");
  }
  if (masked) {
    if (bytes.size() < at + 4) return std::optional<WsFrameHeader>();
    header.mask = uint32_t{bytes[at]} << 24 | uint32_t{bytes[at + 1]} << 16 |
                  uint32_t{bytes[at + 2]} << 8 | uint32_t{bytes[at + 3]};
    at += 4;
  }
  header.payload_size = size;
  header.header_size = at;
  return std::optional<WsFrameHeader>(header);
}

void AppendWsFrame(std::string& out, WebSocketOpcode opcode, std::string_view payload,
                   std::optional<uint32_t> mask) {
  const WebSocketFrameHeader header = FrameHeader(opcode, payload.size(), mask);
  out.append(reinterpret_cast<const char*>(header.bytes.data()), header.size);
  const size_t start = out.size();
  out.append(payload);
  if (mask) ApplyWsMask({reinterpret_cast<uint8_t*>(out.data()) + start, payload.size()}, *mask);
}

void ApplyWsMask(std::span<uint8_t> payload, uint32_t mask) {
  const uint8_t key[4] = {static_cast<uint8_t>(mask >> 24), static_cast<uint8_t>(mask >> 16),
                          static_cast<uint8_t>(mask >> 8), static_cast<uint8_t>(mask)};
  for (size_t i = 0; i < payload.size(); ++i) payload[i] ^= key[i % 4];
}

}  // namespace la::fanout
