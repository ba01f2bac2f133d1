#include "socketio/protocol/engineio.h"

#include <cassert>
#include <nlohmann/json.hpp>

#include "core/base64.h"

namespace la {
namespace {}  // namespace

std::string EncodePacketText(const EioPacket& packet) {
  if (packet.binary) {
    assert(packet.type == EioPacketType::kMessage && "only message packets can be binary");
    return "b" + EncodeBase64(packet.data, Base64Alphabet::kStandard, /*pad=*/true);
  }
  std::string text;
  text.reserve(1 + packet.data.size());
  text += static_cast<char>('0' + static_cast<int>(packet.type));
  text += packet.data;
  return text;
}

Result<EioPacket> DecodePacketText(std::string_view text) {
  if (text.empty()) return Status::Error("empty Engine.IO packet (expected a type digit 0-6)");
  const char type = text.front();
  if (type == 'b') {
    Result<std::string> bytes =
        DecodeBase64(text.substr(1), Base64Alphabet::kStandard, /*padded=*/true);
    if (!bytes.ok()) {
      return Status::Error("bad binary Engine.IO packet: " + bytes.status().message());
    }
    return EioPacket{EioPacketType::kMessage, std::move(bytes).value(), /*binary=*/true};
  }
  if (type < '0' || type > '6') {
    return Status::Error("unknown Engine.IO packet type " + DescribeCharacter(type) +
                         " (expected a digit 0-6, or 'b' for base64 binary)");
  }
  return EioPacket{static_cast<EioPacketType>(type - '0'), std::string(text.substr(1)),
                   /*binary=*/false};
}

WebSocketFrame EncodeWebSocketFrame(const EioPacket& packet) {
  if (packet.binary) return WebSocketFrame{packet.data, /*binary=*/true};
  return WebSocketFrame{EncodePacketText(packet), /*binary=*/false};
}

Result<EioPacket> DecodeWebSocketFrame(std::string_view bytes, bool binary) {
  if (binary) return EioPacket{EioPacketType::kMessage, std::string(bytes), /*binary=*/true};
  return DecodePacketText(bytes);
}

std::string EncodePayload(std::span<const EioPacket> packets) {
  std::string body;
  for (const EioPacket& packet : packets) {
    if (!body.empty()) body += kPayloadSeparator;
    body += EncodePacketText(packet);
  }
  return body;
}

Result<std::vector<EioPacket>> DecodePayload(std::string_view body) {
  std::vector<EioPacket> packets;
  size_t start = 0;
  while (true) {
    const size_t end = body.find(kPayloadSeparator, start);
    const std::string_view text =
        body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    Result<EioPacket> packet = DecodePacketText(text);
    if (!packet.ok()) {
      return Status::Error("packet " + std::to_string(packets.size() + 1) +
                           " of the polling body: " + packet.status().message());
    }
    packets.push_back(std::move(packet).value());
    if (end == std::string_view::npos) return packets;
    start = end + 1;
  }
}

std::string EncodeOpenPacket(std::string_view sid, const std::vector<std::string>& upgrades,
                             std::chrono::milliseconds ping_interval,
                             std::chrono::milliseconds ping_timeout, size_t max_payload) {
  // ordered_json keeps the reference server's key order (plain json would sort the keys).
  nlohmann::ordered_json handshake;
  handshake["sid"] = sid;
  handshake["upgrades"] = upgrades;
  handshake["pingInterval"] = ping_interval.count();
  handshake["pingTimeout"] = ping_timeout.count();
  handshake["maxPayload"] = max_payload;
  return EncodePacketText({EioPacketType::kOpen, handshake.dump(), /*binary=*/false});
}

std::string EncodeSid(std::span<const uint8_t, kSidRandomBytes> random_bytes) {
  const std::string_view bytes(reinterpret_cast<const char*>(random_bytes.data()),
                               random_bytes.size());
  return EncodeBase64(bytes, Base64Alphabet::kUrl, /*pad=*/false);
}

bool IsWellFormedSid(std::string_view sid) {
  return sid.size() == kSidLength &&
         sid.find_first_not_of(Base64Characters(Base64Alphabet::kUrl)) == std::string_view::npos;
}

std::string_view EioErrorMessage(EioErrorCode code) {
  switch (code) {
    case EioErrorCode::kUnknownTransport:
      return "Transport unknown";
    case EioErrorCode::kUnknownSid:
      return "Session ID unknown";
    case EioErrorCode::kBadHandshakeMethod:
      return "Bad handshake method";
    case EioErrorCode::kBadRequest:
      return "Bad request";
    case EioErrorCode::kForbidden:
      return "Forbidden";
    case EioErrorCode::kUnsupportedProtocolVersion:
      return "Unsupported protocol version";
  }
  return "Bad request";  // unreachable for valid enum values
}

int EioErrorHttpStatus(EioErrorCode code) { return code == EioErrorCode::kForbidden ? 403 : 400; }

std::string EncodeEioErrorBody(EioErrorCode code) {
  nlohmann::ordered_json body;
  body["code"] = static_cast<int>(code);
  body["message"] = EioErrorMessage(code);
  return body.dump();
}

std::variant<EioRequest, EioError> CheckEioRequest(const EioRequestInfo& request) {
  // Values quoted in reasons come from the URL: quote them as JSON strings so that
  // control characters cannot forge log lines.
  const auto quoted = [](std::string_view value) {
    return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };

  EioRequest checked;
  if (!request.transport) {
    return EioError{EioErrorCode::kUnknownTransport, "missing query parameter \"transport\""};
  } else if (*request.transport == "polling") {
    checked.transport = EioTransport::kPolling;
  } else if (*request.transport == "websocket") {
    checked.transport = EioTransport::kWebSocket;
  } else {
    return EioError{EioErrorCode::kUnknownTransport,
                    "unknown transport " + quoted(*request.transport) +
                        " (expected \"polling\" or \"websocket\")"};
  }

  if (request.eio != "4") {
    return EioError{EioErrorCode::kUnsupportedProtocolVersion,
                    (request.eio ? "unsupported protocol version EIO=" + quoted(*request.eio)
                                 : std::string("missing query parameter \"EIO\"")) +
                        " (only Engine.IO v4, EIO=4, is supported)"};
  }

  if (request.sid) {
    if (!IsWellFormedSid(*request.sid)) {
      return EioError{EioErrorCode::kUnknownSid,
                      "session id " + quoted(*request.sid) + " was not issued by this server"};
    }
    checked.sid = std::string(*request.sid);
    if (checked.transport == EioTransport::kPolling && request.method != "GET" &&
        request.method != "POST") {
      return EioError{EioErrorCode::kBadRequest,
                      "method " + quoted(request.method) +
                          " is not allowed on a polling session (GET receives, POST sends)"};
    }
  } else if (request.method != "GET") {
    return EioError{EioErrorCode::kBadHandshakeMethod,
                    "the handshake must be a GET request, got " + quoted(request.method)};
  }

  const bool wants_websocket = checked.transport == EioTransport::kWebSocket;
  if (wants_websocket != request.is_websocket_upgrade) {
    return EioError{EioErrorCode::kBadRequest,
                    wants_websocket ? "transport \"websocket\" needs a WebSocket upgrade request"
                                    : "transport \"polling\" cannot be used for a WebSocket "
                                      "upgrade request"};
  }
  return checked;
}

}  // namespace la
