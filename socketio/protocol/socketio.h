// Socket.IO protocol v5 (socket.io docs, "Socket.IO protocol"): namespaces, events and
// acknowledgements on top of Engine.IO. Each Socket.IO packet travels as the data of one
// Engine.IO message packet, so `2["foo"]` goes over the wire as `42["foo"]`.
//
// Encoding (the default parser's; binary attachments, BINARY_EVENT and BINARY_ACK, are
// layered on top in socketio_binary.h):
//   <type digit>[<namespace>,][<ack id>][<JSON payload>]
// The namespace is written only when it is not the main namespace "/". Examples from the
// protocol documentation:
//   0                                  CONNECT to "/"
//   0/admin,{"token":"123"}            CONNECT to "/admin" with an auth payload
//   0{"sid":"wZX3oN0bSVIhsaknAAAI"}    CONNECT accepted, with the Socket.IO session id
//   4{"message":"Not authorized"}      CONNECT_ERROR
//   2["foo"]   2/admin,["bar"]         EVENT
//   212["foo"] 3/admin,13["bar"]       EVENT asking for an ack with id 12; ACK of id 13
//   1/admin,                           DISCONNECT from "/admin"
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace la {

enum class SioPacketType : uint8_t {
  kConnect = 0,       // client: join a namespace (optional auth object); server: accepted
  kDisconnect = 1,    // either side: leave a namespace
  kEvent = 2,         // ["name", args...], optionally asking for an ack
  kAck = 3,           // [results...], answering the event with the same id
  kConnectError = 4,  // server: joining the namespace was refused, {"message": ...}
  kBinaryEvent = 5,   // an EVENT with binary attachments (socketio_binary.h)
  kBinaryAck = 6,     // an ACK with binary attachments (socketio_binary.h)
};

// One Socket.IO packet. `data` is the JSON payload; null means "no payload" (no packet type
// accepts a literal null payload, so nothing is lost).
struct SioPacket {
  SioPacketType type = SioPacketType::kEvent;
  std::string nsp = "/";
  std::optional<uint64_t> id;  // ack id: asked for by an EVENT, answered by an ACK
  nlohmann::json data;
};

// The text of `packet` as the default socket.io-parser writes it. Preconditions: the type is
// not a binary type and `nsp` is a valid namespace (IsValidNamespace). Strings that are not
// valid UTF-8 are written with U+FFFD replacement characters instead of failing.
std::string EncodeSioPacket(const SioPacket& packet);

// Parses and validates one packet received from a client, with the rules of the protocol
// and of the reference parser: a known, non-binary type; a valid namespace; an ack id that
// fits in 64 bits; valid JSON; CONNECT: no payload or an object; DISCONNECT: no payload;
// EVENT: a non-empty array whose first element is a string that is not a reserved event name
// ("connect", "disconnect", ...); ACK: an array and an id; CONNECT_ERROR: an object. Only
// EVENT and ACK packets may carry an ack id. The error message names what was wrong.
Result<SioPacket> DecodeSioPacket(std::string_view text);

// True if `nsp` can name a namespace: "/" followed by at most 127 printable ASCII
// characters other than space and ',' (which ends the namespace in the encoding).
bool IsValidNamespace(std::string_view nsp);

// The text of EVENT `event` with `args` in namespace `nsp`, e.g.
// EncodeEvent("/", "hello", {1}) == R"(2["hello",1])". A broadcast is encoded once and the same
// text sent to every socket (wrapped in an Engine.IO message: "4" + text).
std::string EncodeEvent(std::string_view nsp, std::string_view event,
                        const std::vector<nlohmann::json>& args = {});

// The text of the ACK answering event `id` in `nsp` with `args`, e.g. `3/live,7[{"likes":3}]`.
std::string EncodeAck(std::string_view nsp, uint64_t id, const std::vector<nlohmann::json>& args);

// The CONNECT reply that accepts a socket into `nsp` under session id `sid`:
// `0/live,{"sid":"..."}`. The id is distinct from the Engine.IO session id (protocol v5).
std::string EncodeConnectAccepted(std::string_view nsp, std::string_view sid);

// The CONNECT_ERROR reply that refuses a socket, e.g. `4{"message":"Invalid token"}`; the
// client's `connect_error` handler receives an Error whose message is `message`.
std::string EncodeConnectError(std::string_view nsp, std::string_view message);

}  // namespace la
