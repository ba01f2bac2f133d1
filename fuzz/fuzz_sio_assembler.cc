// Fuzzes what a Socket.IO server makes of a client's messages (socketio/protocol/
// packet_assembler.h): the input is a sequence of messages, each a line; a line starting
// with 'B' is a binary attachment (the rest of the line), any other a text packet. Small
// limits, so that the fuzzer reaches them. Whatever comes, the assembler holds no more than
// the limits allow between messages, and every attachment count it returns is announced.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "socketio/protocol/packet_assembler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const la::SioPacketLimits limits{.max_connect_bytes = 64,
                                   .max_event_bytes = 256,
                                   .max_attachments = 3,
                                   .max_attachment_bytes = 32,
                                   .max_json_depth = 8};
  la::SioPacketAssembler assembler(limits);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    const bool binary = !line.empty() && line.front() == 'B';
    if (binary) line.remove_prefix(1);
    auto taken = assembler.Take(line, binary);
    if (!taken.ok()) return 0;  // the server ends the session here
    if (assembler.held_bytes() > limits.max_event_bytes + limits.max_attachment_bytes)
      __builtin_trap();
    if (*taken && (*taken)->attachments.size() > limits.max_attachments) __builtin_trap();
  }
  return 0;
}
