#include "socketio/protocol/packet_assembler.h"

#include "core/json_depth.h"
#include "socketio/protocol/socketio_binary.h"

namespace la {

Result<std::optional<SioAssembledPacket>> SioPacketAssembler::Take(std::string_view message,
                                                                   bool binary) {
  if (binary) return TakeAttachment(message);
  if (awaited_) {
    return Status::Error("a text packet arrived while " +
                         std::to_string(awaited_->attachments_left) +
                         " attachments were still expected");
  }
  Result<SioPacketHeader> header = Decode(message);
  if (!header.ok()) return header.status();
  if (header->attachments == 0) {
    return std::optional<SioAssembledPacket>(SioAssembledPacket{std::move(header->packet), {}});
  }
  if (header->attachments > limits_.max_attachments) {
    return Status::Error("a packet announces " + std::to_string(header->attachments) +
                         " attachments, more than " + std::to_string(limits_.max_attachments));
  }
  awaited_ = Awaited{std::string(message), header->attachments, {}, 0};
  return std::optional<SioAssembledPacket>();
}

Result<std::optional<SioAssembledPacket>> SioPacketAssembler::TakeAttachment(
    std::string_view bytes) {
  if (!awaited_) return Status::Error("a binary message arrived that no packet announced");
  awaited_->bytes += bytes.size();
  if (awaited_->bytes > limits_.max_attachment_bytes) {
    return Status::Error("the attachments of one packet exceed " +
                         std::to_string(limits_.max_attachment_bytes) + " bytes");
  }
  awaited_->attachments.emplace_back(bytes);
  if (--awaited_->attachments_left > 0) return std::optional<SioAssembledPacket>();
  Awaited complete = std::move(*awaited_);
  awaited_.reset();
  Result<SioPacketHeader> header = Decode(complete.text);
  if (!header.ok()) return header.status();
  return std::optional<SioAssembledPacket>(
      SioAssembledPacket{std::move(header->packet), std::move(complete.attachments)});
}

Result<SioPacketHeader> SioPacketAssembler::Decode(std::string_view text) const {
  const bool connect = !text.empty() && text.front() == '0';
  if (const size_t limit = connect ? limits_.max_connect_bytes : limits_.max_event_bytes;
      text.size() > limit) {
    return Status::Error(std::string(connect ? "a CONNECT" : "a") + " packet of " +
                         std::to_string(text.size()) + " bytes, more than the " +
                         std::to_string(limit) + " this server takes");
  }
  if (!JsonDepthWithin(text, limits_.max_json_depth)) {
    return Status::Error("a packet nests JSON deeper than " +
                         std::to_string(limits_.max_json_depth) + " levels");
  }
  Result<SioPacketHeader> header = DecodeSioPacketHeader(text);
  if (!header.ok())
    return Status::Error("malformed Socket.IO packet: " + header.status().message());
  return header;
}

size_t SioPacketAssembler::held_bytes() const {
  return awaited_ ? awaited_->text.size() + awaited_->bytes : 0;
}

}  // namespace la
