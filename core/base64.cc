#include "core/base64.h"

#include <cstdint>

namespace la {

std::string_view Base64Characters(Base64Alphabet alphabet) {
  return alphabet == Base64Alphabet::kStandard
             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

std::string DescribeCharacter(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string("'") + c + "'";
  static constexpr char kHexDigits[] = "0123456789abcdef";
  return std::string("byte 0x") + kHexDigits[byte >> 4] + kHexDigits[byte & 0xF];
}

std::string EncodeBase64(std::string_view bytes, Base64Alphabet alphabet, bool pad) {
  const std::string_view characters = Base64Characters(alphabet);
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    bit_count += 8;
    while (bit_count >= 6) {
      bit_count -= 6;
      text += characters[(bits >> bit_count) & 0x3F];
    }
  }
  if (bit_count > 0) text += characters[(bits << (6 - bit_count)) & 0x3F];
  if (pad) text.append((4 - text.size() % 4) % 4, '=');
  return text;
}

Result<std::string> DecodeBase64(std::string_view text, Base64Alphabet alphabet, bool padded) {
  std::string_view digits = text;
  if (padded) {
    if (text.size() % 4 != 0) {
      return Status::Error("base64 text must be a multiple of 4 characters long, got " +
                           std::to_string(text.size()));
    }
    for (int i = 0; i < 2 && !digits.empty() && digits.back() == '='; ++i) digits.remove_suffix(1);
  }
  if (digits.size() % 4 == 1) {
    return Status::Error("base64 text of " + std::to_string(digits.size()) +
                         " characters cannot be complete");
  }
  const std::string_view characters = Base64Characters(alphabet);
  std::string bytes;
  bytes.reserve(digits.size() * 3 / 4);
  uint32_t bits = 0;
  int bit_count = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    const size_t value = characters.find(digits[i]);
    if (value == std::string_view::npos) {
      return Status::Error("invalid base64 character " + DescribeCharacter(digits[i]) +
                           " at offset " + std::to_string(i));
    }
    bits = (bits << 6) | static_cast<uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes += static_cast<char>((bits >> bit_count) & 0xFF);
    }
  }
  if ((bits & ((1u << bit_count) - 1)) != 0)
    return Status::Error("base64 text has non-zero leftover bits");
  return bytes;
}

}  // namespace la
