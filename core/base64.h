// Base64 (RFC 4648): the standard alphabet for Engine.IO binary packets, the
// URL-safe one for JWT segments and session ids. Decoding is strict, so every
// byte string has exactly one accepted encoding.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace la {

enum class Base64Alphabet { kStandard, kUrl };

// The 64 characters of `alphabet`, in value order.
std::string_view Base64Characters(Base64Alphabet alphabet);

// Encodes `bytes`; `pad` appends '=' up to a multiple of four characters.
std::string EncodeBase64(std::string_view bytes, Base64Alphabet alphabet, bool pad);

// Decodes `text`. With `padded`, its length must be a multiple of four and '='
// may only end it; without, '=' is not allowed at all. Characters outside the
// alphabet, impossible lengths and non-zero leftover bits are errors whose
// message names the offending character and offset.
Result<std::string> DecodeBase64(std::string_view text, Base64Alphabet alphabet, bool padded);

// "'x'" for a printable ASCII character, "byte 0x1f" otherwise: safe in a message.
std::string DescribeCharacter(char c);

}  // namespace la
