// The header of a WebSocket frame (RFC 6455 §5.2): one whole, uncompressed message per frame.
// The WebSocket transport frames its messages itself so that several can go out in one
// gathered write (Beast writes one message per call); the fan-out bench tools
// (tools/fanout/) write clients' masked frames with it. Pure; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace la {

enum class WebSocketOpcode : uint8_t {
  kContinuation = 0,
  kText = 1,
  kBinary = 2,
  kClose = 8,
  kPing = 9,
  kPong = 10,
};

struct WebSocketFrameHeader {
  std::array<uint8_t, 14> bytes{};  // at most 2 + 8 bytes of length + 4 of masking key
  uint8_t size = 0;

  std::span<const uint8_t> view() const { return {bytes.data(), size}; }
};

// The header of a final (FIN) frame of `opcode` carrying `payload_size` bytes: FIN and the
// opcode, then the length in 7 bits, or 126 + 16 bits, or 127 + 64 bits (network order), then
// the masking key when one is given (a client's frame; a server's is unmasked).
WebSocketFrameHeader FrameHeader(WebSocketOpcode opcode, uint64_t payload_size,
                                 std::optional<uint32_t> mask = std::nullopt);

// The header of a server's final text or binary frame of `payload_size` bytes (0x81 or 0x82,
// no mask).
WebSocketFrameHeader ServerFrameHeader(bool binary, uint64_t payload_size);

}  // namespace la
