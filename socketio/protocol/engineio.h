// Engine.IO protocol v4: the transport layer under Socket.IO (socket.io docs, "Engine.IO
// protocol"). Pure framing, no I/O: the server in socketio/ reads bytes from HTTP long-polling
// requests or WebSocket frames, decodes them here, and encodes what it sends back here.
//
// An Engine.IO packet is a type digit followed by optional data:
//   "0{...}" open   "1" close   "2" ping   "3" pong   "4hello" message   "5" upgrade   "6" noop
// HTTP long-polling bodies carry several packets separated by the record separator \x1e
// ("4hello\x1e2\x1e4world"); a binary message travels there as "b" + base64 ("bAQIDBA==").
// Over WebSocket each packet is one frame, and a binary message is a binary frame holding
// the raw bytes with no type prefix.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace la {

enum class EioPacketType : uint8_t {
  kOpen = 0,     // server -> client, once, with the handshake JSON
  kClose = 1,    // either side: close the session
  kPing = 2,     // server -> client heartbeat; "2probe" from the client tests a new WebSocket
  kPong = 3,     // answer to a ping, echoing its data ("3probe")
  kMessage = 4,  // application data (a Socket.IO packet)
  kUpgrade = 5,  // client -> server: switch the session to the probed WebSocket
  kNoop = 6,     // server -> client: ends a pending poll during an upgrade
};

// One Engine.IO packet. A binary packet (`binary` true, `data` holds raw bytes) is always
// a message: the protocol has no other binary packet.
struct EioPacket {
  EioPacketType type = EioPacketType::kMessage;
  std::string data;
  bool binary = false;

  bool operator==(const EioPacket&) const = default;
};

// Separates packets in an HTTP long-polling body. JSON never contains it unescaped, so
// Socket.IO text can be batched without any quoting.
inline constexpr char kPayloadSeparator = '\x1e';

// The text form of one packet: "<type digit><data>", or "b<base64 of data>" for a binary
// packet. This is what goes into a polling body and into a WebSocket text frame.
std::string EncodePacketText(const EioPacket& packet);

// Parses the text form of one packet. Fails on an empty text, an unknown type character
// or bad base64 after "b", naming the offending character.
Result<EioPacket> DecodePacketText(std::string_view text);

// A WebSocket frame's content and whether it must be sent as a binary frame.
struct WebSocketFrame {
  std::string bytes;
  bool binary = false;

  bool operator==(const WebSocketFrame&) const = default;
};

// The WebSocket form of one packet: binary packets become a binary frame of the raw bytes
// (no type prefix, no base64), every other packet a text frame with its text form.
WebSocketFrame EncodeWebSocketFrame(const EioPacket& packet);

// Parses one received WebSocket frame: a binary frame is a binary message as is; a text
// frame is parsed like DecodePacketText.
Result<EioPacket> DecodeWebSocketFrame(std::string_view bytes, bool binary);

// An HTTP long-polling body: the text forms of `packets` joined by kPayloadSeparator.
// A server sending one pre-encoded text to many sessions can join texts the same way.
std::string EncodePayload(std::span<const EioPacket> packets);

// Splits and parses an HTTP long-polling body. Fails if any packet is malformed or empty
// (so an empty body fails too), saying which packet of the body it was; the reference
// server answers such a body with HTTP 400 and closes the session.
Result<std::vector<EioPacket>> DecodePayload(std::string_view body);

// The open packet that answers a handshake, byte for byte as the reference server sends it:
//   0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,
//     "pingTimeout":20000,"maxPayload":1000000}
// `upgrades` is {"websocket"} for a polling session and empty for a WebSocket-only session.
std::string EncodeOpenPacket(std::string_view sid, const std::vector<std::string>& upgrades,
                             std::chrono::milliseconds ping_interval,
                             std::chrono::milliseconds ping_timeout, size_t max_payload);

// Session ids: 15 random bytes in base64url, 20 characters, as long as the reference
// server's ids. The randomness is the caller's (this library does no I/O).
inline constexpr size_t kSidRandomBytes = 15;
inline constexpr size_t kSidLength = 20;

// The session id for `random_bytes`: exactly kSidLength characters of [A-Za-z0-9_-].
std::string EncodeSid(std::span<const uint8_t, kSidRandomBytes> random_bytes);

// True if `sid` has the shape EncodeSid produces, so it can possibly name a session.
bool IsWellFormedSid(std::string_view sid);

enum class EioTransport { kPolling, kWebSocket };

// The reasons the reference server refuses a request, with its numeric codes. They reach
// the client as the JSON body of an error response (EncodeEioErrorBody).
enum class EioErrorCode {
  kUnknownTransport = 0,            // "Transport unknown"
  kUnknownSid = 1,                  // "Session ID unknown"
  kBadHandshakeMethod = 2,          // "Bad handshake method"
  kBadRequest = 3,                  // "Bad request"
  kForbidden = 4,                   // "Forbidden"
  kUnsupportedProtocolVersion = 5,  // "Unsupported protocol version"
};

// The reference server's message for `code`, e.g. "Session ID unknown".
std::string_view EioErrorMessage(EioErrorCode code);

// The HTTP status of an error response: 403 for kForbidden, 400 for every other code.
int EioErrorHttpStatus(EioErrorCode code);

// The JSON body of an error response (Content-Type: application/json), exactly as the
// reference server writes it: {"code":1,"message":"Session ID unknown"}.
std::string EncodeEioErrorBody(EioErrorCode code);

// What CheckEioRequest needs to know about an HTTP request to the Engine.IO path. Query
// parameters are as they appear in the URL (already percent-decoded); nullopt when absent.
// CORS preflight (OPTIONS) requests are answered by the server before this check.
struct EioRequestInfo {
  std::optional<std::string_view> eio;        // `EIO`, must be "4"
  std::optional<std::string_view> transport;  // `transport`: "polling" or "websocket"
  std::optional<std::string_view> sid;        // `sid`, absent on the handshake request
  std::string_view method;                    // "GET", "POST", ...
  bool is_websocket_upgrade = false;          // the request asks for a WebSocket upgrade
};

// A request that may be served: a handshake (no sid) or a request for an existing session.
// Whether that session exists is for the server to check (EioErrorCode::kUnknownSid).
struct EioRequest {
  EioTransport transport = EioTransport::kPolling;
  std::optional<std::string> sid;

  bool is_handshake() const { return !sid.has_value(); }
};

// A refused request: the code to send back, and a reason for the logs that names the value.
struct EioError {
  EioErrorCode code = EioErrorCode::kBadRequest;
  std::string reason;
};

// Checks a request the way the reference server does, in its order: the transport
// (kUnknownTransport), the protocol version (kUnsupportedProtocolVersion; only EIO=4), a
// well-formed sid (kUnknownSid), the method (a handshake must be a GET:
// kBadHandshakeMethod; a polling request for a session must be GET or POST: kBadRequest),
// and that WebSocket requests, and only they, are upgrades (kBadRequest).
std::variant<EioRequest, EioError> CheckEioRequest(const EioRequestInfo& request);

}  // namespace la
