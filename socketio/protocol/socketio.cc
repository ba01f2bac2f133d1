#include "socketio/protocol/socketio.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>

namespace la {
namespace {

constexpr size_t kMaxNamespaceLength = 128;
// How much of a bad packet an error message quotes.
constexpr size_t kExcerptLength = 48;

// Event names the reference parser refuses from the wire: the client-side API reserves them
// for its own lifecycle events.
constexpr std::array<std::string_view, 6> kReservedEventNames = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};

std::string_view TypeName(SioPacketType type) {
  switch (type) {
    case SioPacketType::kConnect:
      return "CONNECT";
    case SioPacketType::kDisconnect:
      return "DISCONNECT";
    case SioPacketType::kEvent:
      return "EVENT";
    case SioPacketType::kAck:
      return "ACK";
    case SioPacketType::kConnectError:
      return "CONNECT_ERROR";
    case SioPacketType::kBinaryEvent:
      return "BINARY_EVENT";
    case SioPacketType::kBinaryAck:
      return "BINARY_ACK";
  }
  return "UNKNOWN";  // unreachable for valid enum values
}

// JSON text without exceptions: invalid UTF-8 becomes U+FFFD instead of throwing.
std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

// The start of `text` as a quoted, escaped string, for error messages about client input.
std::string Excerpt(std::string_view text) {
  if (text.size() <= kExcerptLength) return DumpJson(text);
  return DumpJson(text.substr(0, kExcerptLength)) + "...";
}

// "an object", "a string", ...: what a JSON value was, for "got ..." messages.
std::string DescribeJsonType(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    default:
      return "a number";
  }
}

// Checks the payload and ack id rules of `packet.type` (see DecodeSioPacket).
Status ValidatePacket(const SioPacket& packet, bool has_payload) {
  const std::string type_name(TypeName(packet.type));
  const nlohmann::json& data = packet.data;
  // What the payload was, for "got ..." messages; a missing payload is not a JSON null.
  const std::string got = has_payload ? DescribeJsonType(data) : "no payload";
  const bool takes_id = packet.type == SioPacketType::kEvent || packet.type == SioPacketType::kAck;
  if (packet.id && !takes_id) {
    return Status::Error(type_name + " packet cannot carry an ack id, got " +
                         std::to_string(*packet.id));
  }
  switch (packet.type) {
    case SioPacketType::kConnect:
      if (has_payload && !data.is_object()) {
        return Status::Error("CONNECT payload must be an object, got " + got);
      }
      return Status::Ok();
    case SioPacketType::kDisconnect:
      if (has_payload) return Status::Error("DISCONNECT packet must not have a payload");
      return Status::Ok();
    case SioPacketType::kEvent:
      if (!data.is_array() || data.empty()) {
        return Status::Error("EVENT payload must be a non-empty array [\"name\", args...], got " +
                             (data.is_array() ? std::string("an empty array") : got));
      }
      if (!data.front().is_string()) {
        return Status::Error("EVENT name (first array element) must be a string, got " +
                             DescribeJsonType(data.front()));
      }
      for (std::string_view reserved : kReservedEventNames) {
        if (data.front().get_ref<const std::string&>() == reserved) {
          return Status::Error("EVENT name " + DumpJson(data.front()) +
                               " is reserved by Socket.IO and cannot be sent");
        }
      }
      return Status::Ok();
    case SioPacketType::kAck:
      if (!packet.id) return Status::Error("ACK packet must carry the ack id it answers");
      if (!data.is_array()) {
        return Status::Error("ACK payload must be an array, got " + got);
      }
      return Status::Ok();
    case SioPacketType::kConnectError:
      if (!data.is_object()) {
        return Status::Error("CONNECT_ERROR payload must be an object, got " + got);
      }
      return Status::Ok();
    case SioPacketType::kBinaryEvent:
    case SioPacketType::kBinaryAck:
      break;  // DecodeSioPacket refuses these before validation
  }
  return Status::Error(type_name + " packets are not supported");
}

}  // namespace

bool IsValidNamespace(std::string_view nsp) {
  if (nsp.empty() || nsp.size() > kMaxNamespaceLength || nsp.front() != '/') return false;
  for (char c : nsp) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7F || c == ',') return false;
  }
  return true;
}

std::string EncodeSioPacket(const SioPacket& packet) {
  assert(packet.type != SioPacketType::kBinaryEvent && packet.type != SioPacketType::kBinaryAck);
  assert(IsValidNamespace(packet.nsp));
  std::string text(1, static_cast<char>('0' + static_cast<int>(packet.type)));
  if (packet.nsp != "/") {
    text += packet.nsp;
    text += ',';
  }
  if (packet.id) text += std::to_string(*packet.id);
  if (!packet.data.is_null()) text += DumpJson(packet.data);
  return text;
}

Result<SioPacket> DecodeSioPacket(std::string_view text) {
  if (text.empty()) return Status::Error("empty Socket.IO packet (expected a type digit 0-6)");
  const char type = text.front();
  if (type < '0' || type > '6') {
    return Status::Error("unknown Socket.IO packet type in " + Excerpt(text) +
                         " (expected a digit 0-6)");
  }
  SioPacket packet;
  packet.type = static_cast<SioPacketType>(type - '0');
  if (packet.type == SioPacketType::kBinaryEvent || packet.type == SioPacketType::kBinaryAck) {
    return Status::Error(std::string(TypeName(packet.type)) +
                         " packets (binary attachments) are not supported: send the data as "
                         "JSON, got " +
                         Excerpt(text));
  }

  size_t position = 1;
  // The namespace runs from '/' to the first ',' or to the end of the text ("40/admin").
  if (position < text.size() && text[position] == '/') {
    const size_t comma = text.find(',', position);
    const std::string_view nsp = text.substr(position, comma - position);
    if (!IsValidNamespace(nsp)) {
      return Status::Error("invalid namespace " + Excerpt(nsp) +
                           " (expected '/' followed by at most 127 printable ASCII characters, no "
                           "spaces or commas)");
    }
    packet.nsp = std::string(nsp);
    position = comma == std::string_view::npos ? text.size() : comma + 1;
  }

  const size_t digits_end = std::min(text.find_first_not_of("0123456789", position), text.size());
  if (digits_end > position) {
    uint64_t id = 0;
    const std::from_chars_result parsed =
        std::from_chars(text.data() + position, text.data() + digits_end, id);
    if (parsed.ec != std::errc()) {
      return Status::Error("ack id " + Excerpt(text.substr(position, digits_end - position)) +
                           " does not fit in 64 bits");
    }
    packet.id = id;
    position = digits_end;
  }

  const std::string_view payload = text.substr(position);
  const bool has_payload = !payload.empty();
  if (has_payload) {
    packet.data = nlohmann::json::parse(payload, /*cb=*/nullptr, /*allow_exceptions=*/false);
    if (packet.data.is_discarded()) {
      return Status::Error("invalid JSON payload " + Excerpt(payload) + " in " +
                           std::string(TypeName(packet.type)) + " packet");
    }
  }
  Status valid = ValidatePacket(packet, has_payload);
  if (!valid.ok()) return valid;
  return packet;
}

std::string EncodeEvent(std::string_view nsp, std::string_view event,
                        const std::vector<nlohmann::json>& args) {
  nlohmann::json data = nlohmann::json::array();
  data.push_back(event);
  for (const nlohmann::json& arg : args) data.push_back(arg);
  return EncodeSioPacket({SioPacketType::kEvent, std::string(nsp), std::nullopt, std::move(data)});
}

std::string EncodeAck(std::string_view nsp, uint64_t id, const std::vector<nlohmann::json>& args) {
  return EncodeSioPacket({SioPacketType::kAck, std::string(nsp), id, nlohmann::json(args)});
}

std::string EncodeConnectAccepted(std::string_view nsp, std::string_view sid) {
  return EncodeSioPacket(
      {SioPacketType::kConnect, std::string(nsp), std::nullopt, nlohmann::json{{"sid", sid}}});
}

std::string EncodeConnectError(std::string_view nsp, std::string_view message) {
  return EncodeSioPacket({SioPacketType::kConnectError, std::string(nsp), std::nullopt,
                          nlohmann::json{{"message", message}}});
}

}  // namespace la
