// JSON string literals written by hand, for the hot paths that build JSON text without a
// JSON library (the like event) and for quoting untrusted values in error messages. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace la {

// Appends `text` as a JSON string literal (with quotes). Bytes >= 0x80 are copied
// unchanged, so UTF-8 input stays UTF-8.
void AppendJsonString(std::string& out, std::string_view text);

// `text` quoted and escaped as AppendJsonString does, for quoting a bad value inside an
// error message.
std::string Quoted(std::string_view text);

}  // namespace la
