// What a Socket.IO server makes of the messages one client sends: each text message is a
// packet, checked against size limits that fit what the packet is for before it is parsed;
// a binary event or ack announces attachments, which arrive as the next binary messages.
// Pure code, no I/O: the server feeds it and acts on what it returns; fuzzed (fuzz/).
//
// Memory: a parsed JSON packet takes many times its text's size, so nothing parsed is
// kept between messages. A header awaiting its attachments is kept as text (at most
// max_event_bytes) and parsed again when they are in; the attachments are bounded by
// max_attachments and max_attachment_bytes. held_bytes() is what the assembler holds.
//
// Not thread-safe: one per client.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "socketio/protocol/socketio.h"
#include "socketio/protocol/socketio_binary.h"

namespace la {

// The largest packets a client may send, by what they are for. The defaults are the
// reference server's (maxHttpBufferSize, 1 MB); an application whose clients send a token
// and short events sets a few KB.
struct SioPacketLimits {
  size_t max_connect_bytes = 1000000;     // a CONNECT packet's text, with its auth payload
  size_t max_event_bytes = 1000000;       // any other packet's text (EVENT, ACK, binary headers)
  size_t max_attachments = 16;            // binary attachments one packet may announce
  size_t max_attachment_bytes = 1 << 20;  // their bytes in all
  size_t max_json_depth = 32;             // nesting of a packet's JSON
};

// A complete packet and its attachments (a BINARY_EVENT comes as kEvent, a BINARY_ACK as
// kAck, with the placeholders in its data).
struct SioAssembledPacket {
  SioPacket packet;
  std::vector<std::string> attachments;
};

class SioPacketAssembler {
 public:
  explicit SioPacketAssembler(SioPacketLimits limits) : limits_(limits) {}

  // Takes one message: a packet once it is complete, nullopt while attachments are
  // awaited, or an error that names what the client did wrong (the session should end).
  Result<std::optional<SioAssembledPacket>> Take(std::string_view message, bool binary);

  // Bytes held between messages: an awaited header and the attachments so far.
  size_t held_bytes() const;

 private:
  // Checks a text packet's size and JSON depth, then decodes it.
  Result<SioPacketHeader> Decode(std::string_view text) const;
  Result<std::optional<SioAssembledPacket>> TakeAttachment(std::string_view bytes);

  SioPacketLimits limits_;
  struct Awaited {
    std::string text;  // the header, unparsed
    size_t attachments_left = 0;
    std::vector<std::string> attachments;
    size_t bytes = 0;  // of the attachments
  };
  std::optional<Awaited> awaited_;
};

}  // namespace la
