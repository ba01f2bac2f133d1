// Socket.IO v5 binary attachments, layered over socketio.h (whose codec handles
// packets without them). A BINARY_EVENT or BINARY_ACK is an EVENT or ACK whose JSON holds
// placeholders {"_placeholder":true,"num":i}; it announces how many attachments follow,
// each as one binary Engine.IO message (protocol documentation, "Packet encoding"):
//   51-["hello",{"_placeholder":true,"num":0}]        + 1 binary message
//   61-/admin,456[{"_placeholder":true,"num":0}]      + 1 binary message
// The attachments themselves are never parsed: they travel as opaque bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "socketio/protocol/socketio.h"

namespace la {

// A decoded packet and the number of attachments that must follow it (0 for a packet
// without attachments). A BINARY_EVENT comes back as type kEvent, a BINARY_ACK as kAck.
struct SioPacketHeader {
  SioPacket packet;
  size_t attachments = 0;
};

// Parses any packet a client may send: a binary one ("5<n>-..." or "6<n>-...") by
// reading its attachment count and decoding the rest as the EVENT or ACK it carries;
// any other packet exactly as DecodeSioPacket does. Fails on a missing or oversized
// count, or on a malformed rest, saying what was wrong.
Result<SioPacketHeader> DecodeSioPacketHeader(std::string_view text);

// Turns the text of an EVENT or ACK (from EncodeEvent, EncodeAck) into the BINARY_EVENT
// or BINARY_ACK that announces `attachments` attachments: 2["a",...] -> 51-["a",...].
// Precondition: `text` is such a packet and `attachments` > 0.
std::string WithAttachments(std::string text, size_t attachments);

}  // namespace la
