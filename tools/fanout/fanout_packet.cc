#include "tools/fanout/fanout_packet.h"

#include <charconv>

namespace la::fanout {
namespace {

constexpr std::string_view kStatsPrefix = "42[\"statsUpdate\",";

// A cursor over the totals array of a statsUpdate. The totals come from our own JSON
// encoder, so strings need no unescaping beyond skipping escaped characters.
class TotalsScanner {
 public:
  TotalsScanner(std::string_view text, size_t at) : text_(text), at_(at) {}

  // Parses `[{...},...]` and then `]` (the end of the event array); finds `stream_id`.
  Status Scan(std::string_view stream_id, std::optional<int64_t>& publish_us) {
    if (!Take('[')) return Fail("'[' opening the totals");
    if (Take(']')) return End();
    for (;;) {
      std::string_view id;
      std::optional<int64_t> likes;
      if (Status s = Object(id, likes); !s.ok()) return s;
      if (id == stream_id) publish_us = likes;
      if (Take(']')) return End();
      if (!Take(',')) return Fail("',' or ']' after a total");
    }
  }

 private:
  Status End() {
    if (!Take(']') || at_ != text_.size()) return Fail("']' ending the event");
    return Status::Ok();
  }
  Status Object(std::string_view& id, std::optional<int64_t>& likes) {
    if (!Take('{')) return Fail("'{' opening a total");
    bool has_id = false;
    for (;;) {
      std::string_view key;
      if (!String(key) || !Take(':')) return Fail("a \"key\": in a total");
      if (key == "streamId") {
        if (!String(id)) return Fail("a string streamId");
        has_id = true;
      } else if (key == "likes") {
        int64_t value = 0;
        const auto [end, ec] =
            std::from_chars(text_.data() + at_, text_.data() + text_.size(), value);
        if (ec != std::errc() || value < 0) return Fail("a non-negative integer likes");
        at_ = end - text_.data();
        likes = value;
      } else {
        return Fail("only streamId and likes in a total");
      }
      if (Take('}')) break;
      if (!Take(',')) return Fail("',' or '}' in a total");
    }
    if (!has_id || !likes) return Fail("both streamId and likes in a total");
    return Status::Ok();
  }
  bool String(std::string_view& out) {
    if (!Take('"')) return false;
    const size_t start = at_;
    while (at_ < text_.size() && text_[at_] != '"') at_ += text_[at_] == '\\' ? 2 : 1;
    if (at_ >= text_.size()) return false;
    out = text_.substr(start, at_ - start);
    ++at_;
    return true;
  }
  bool Take(char c) {
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  Status Fail(std::string_view expected) const {
    return Status::Error("bad statsUpdate: expected " + std::string(expected) + " at offset " +
                         std::to_string(at_) + " of " + std::to_string(text_.size()) + " bytes");
  }

  std::string_view text_;
  size_t at_;
};

}  // namespace

Result<ServerPacket> ClassifyServerPacket(std::string_view text, std::string_view stream_id) {
  if (text.empty()) return Status::Error("empty Engine.IO packet");
  switch (text[0]) {
    case '0':
      if (text.size() < 2 || text[1] != '{') return Status::Error("open packet without JSON");
      return ServerPacket{ServerPacketKind::kOpen, {}};
    case '1':
      return ServerPacket{ServerPacketKind::kClose, {}};
    case '2':
      return ServerPacket{ServerPacketKind::kPing, {}};
    case '3':
    case '5':
    case '6':
      return ServerPacket{ServerPacketKind::kOther, {}};
    case '4':
      break;
    default:
      return Status::Error("unknown Engine.IO packet type '" + std::string(1, text[0]) + "'");
  }
  if (text.size() < 2) return Status::Error("Engine.IO message without a Socket.IO packet");
  switch (text[1]) {
    case '0':
      return ServerPacket{ServerPacketKind::kConnectAck, {}};
    case '1':
      return ServerPacket{ServerPacketKind::kDisconnect, {}};
    case '4':
      return ServerPacket{ServerPacketKind::kConnectError, {}};
    default:
      break;
  }
  if (!text.starts_with(kStatsPrefix)) return ServerPacket{ServerPacketKind::kOther, {}};
  ServerPacket packet{ServerPacketKind::kStatsUpdate, {}};
  TotalsScanner scanner(text, kStatsPrefix.size());
  if (Status s = scanner.Scan(stream_id, packet.publish_us); !s.ok()) return s;
  return packet;
}

std::string EncodeBenchUpdate(std::string_view stream_id, int64_t publish_us) {
  return "[{\"streamId\":\"" + std::string(stream_id) +
         "\",\"likes\":" + std::to_string(publish_us) + "}]";
}

std::string EncodeStatsUpdateEvent(std::string_view totals_json) {
  std::string event(kStatsPrefix);
  event.append(totals_json);
  event.push_back(']');
  return event;
}

std::string EncodeRespPublish(std::string_view channel, std::string_view message) {
  std::string command = "*3\r\n$7\r\nPUBLISH\r\n";
  for (std::string_view part : {channel, message}) {
    command += "$" + std::to_string(part.size()) + "\r\n";
    command.append(part);
    command += "\r\n";
  }
  return command;
}

}  // namespace la::fanout
