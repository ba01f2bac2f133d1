// The header of a WebSocket frame a server sends (RFC 6455 §5.2): one whole, unmasked,
// uncompressed message per frame. The WebSocket transport frames its messages itself so
// that several can go out in one gathered write (Beast writes one message per call).
// Pure; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace la {

struct WebSocketFrameHeader {
  std::array<uint8_t, 10> bytes{};  // at most 2 + 8 bytes for a server frame
  uint8_t size = 0;

  std::span<const uint8_t> view() const { return {bytes.data(), size}; }
};

// The header of a final (FIN) text or binary frame of `payload_size` bytes: 0x81 or 0x82,
// then the length in 7 bits, or 126 + 16 bits, or 127 + 64 bits (network order), no mask.
WebSocketFrameHeader ServerFrameHeader(bool binary, uint64_t payload_size);

}  // namespace la
