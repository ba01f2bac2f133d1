#include "api/event_id.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>

namespace la {

std::string NewEventId() {
  static const bool sodium_ready = sodium_init() >= 0;  // once, thread-safe
  if (!sodium_ready) std::abort();                      // no usable randomness: nothing is safe
  std::array<uint8_t, 16> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0x0F];
  }
  return text;
}

}  // namespace la
