// WebSocket framing (RFC 6455 §5.2) for the fan-out bench tools: just enough to read and
// write single frames over raw sockets without a per-frame allocation. The headers written
// are the protocol library's (socketio/protocol/websocket_frame.h). Pure code, no I/O;
// thread-safe (no state).
//
// The load client reads unmasked server frames and writes masked ones; the ceiling server
// does the opposite. Extensions (permessage-deflate) are never negotiated, so the RSV bits
// must be zero.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "socketio/protocol/websocket_frame.h"

namespace la::fanout {

struct WsFrameHeader {
  bool fin = true;
  WebSocketOpcode opcode = WebSocketOpcode::kText;
  std::optional<uint32_t> mask;  // the masking key, as the 4 bytes read big-endian
  uint64_t payload_size = 0;
  size_t header_size = 0;  // bytes before the payload

  uint64_t frame_size() const { return header_size + payload_size; }
};

// Decodes the header at the start of `bytes`. nullopt: `bytes` holds only part of the
// header (read more). An error names what is wrong: reserved bits set, an unknown opcode, a
// fragmented or oversized control frame, a mask where `expect_masked` says none (or the
// reverse), or a payload over `max_payload` bytes.
Result<std::optional<WsFrameHeader>> DecodeWsFrameHeader(std::span<const uint8_t> bytes,
                                                         bool expect_masked, uint64_t max_payload);

// Appends one final frame carrying `payload` to `out`, masked with `mask` when given (a
// client frame) and unmasked otherwise (a server frame).
void AppendWsFrame(std::string& out, WebSocketOpcode opcode, std::string_view payload,
                   std::optional<uint32_t> mask);

// XORs `payload` with `mask` (masking and unmasking are the same operation).
void ApplyWsMask(std::span<uint8_t> payload, uint32_t mask);

}  // namespace la::fanout
