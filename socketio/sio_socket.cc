#include "socketio/sio_socket.h"

#include <boost/asio/post.hpp>

#include "socketio/internal/eio_session.h"
#include "socketio/internal/socket_link.h"
#include "socketio/protocol/socketio.h"
#include "socketio/protocol/socketio_binary.h"

namespace la {

namespace asio = boost::asio;

SioEncodedPacket EncodeSioMessage(std::string_view sio_text) {
  return std::make_shared<const std::string>(
      EncodePacketText({EioPacketType::kMessage, std::string(sio_text), false}));
}

SioEncodedPacket EncodeEventPacket(std::string_view nsp, std::string_view event,
                                   const std::vector<nlohmann::json>& args) {
  return EncodeSioMessage(EncodeEvent(nsp, event, args));
}

SioConflation::SioConflation(SioMergeArgs merge_args)
    : merge_([merge_args = std::move(merge_args)](const std::string& waiting,
                                                  const std::string& update) -> EioPacketText {
        // Both are Engine.IO messages ("4" + a Socket.IO EVENT) encoded by EncodeEventPacket.
        if (waiting.empty() || update.empty() || waiting[0] != '4' || update[0] != '4')
          return nullptr;
        Result<SioPacket> old_event = DecodeSioPacket(std::string_view(waiting).substr(1));
        Result<SioPacket> new_event = DecodeSioPacket(std::string_view(update).substr(1));
        if (!old_event.ok() || !new_event.ok() || old_event->type != SioPacketType::kEvent ||
            new_event->type != SioPacketType::kEvent || old_event->nsp != new_event->nsp ||
            old_event->data[0] != new_event->data[0]) {
          return nullptr;
        }
        const nlohmann::json old_args(old_event->data.begin() + 1, old_event->data.end());
        const nlohmann::json new_args(new_event->data.begin() + 1, new_event->data.end());
        std::optional<nlohmann::json> merged = merge_args(old_args, new_args);
        if (!merged || !merged->is_array()) return nullptr;
        return EncodeEventPacket(old_event->nsp, old_event->data[0].get<std::string>(),
                                 std::vector<nlohmann::json>(merged->begin(), merged->end()));
      }) {}

SioSocket::SioSocket(std::string nsp, nlohmann::json auth,
                     const std::shared_ptr<EioSession>& session,
                     std::weak_ptr<SioSocketOwner> owner)
    : id_(NewSessionId()),
      nsp_(std::move(nsp)),
      auth_(std::move(auth)),
      session_(session),
      lane_(session->lane()),
      owner_(std::move(owner)) {}

void SioSocket::Emit(std::string_view event, const std::vector<nlohmann::json>& args,
                     const std::vector<std::string>& attachments) {
  SendPacket(EncodeEvent(nsp_, event, args), attachments);
}

void SioSocket::Acknowledge(uint64_t ack_id, const std::vector<nlohmann::json>& args,
                            const std::vector<std::string>& attachments) {
  SendPacket(EncodeAck(nsp_, ack_id, args), attachments);
}

void SioSocket::SendPacket(std::string sio_text, const std::vector<std::string>& attachments) {
  if (attachments.empty()) return SendEncoded(EncodeSioMessage(sio_text));
  std::vector<SioEncodedPacket> packets;
  packets.push_back(EncodeSioMessage(WithAttachments(std::move(sio_text), attachments.size())));
  for (const std::string& attachment : attachments) {
    packets.push_back(std::make_shared<const std::string>(
        EncodePacketText({EioPacketType::kMessage, attachment, /*binary=*/true})));
  }
  SendAll(std::move(packets));
}

void SioSocket::SendEncoded(SioEncodedPacket packet) { Post(std::move(packet), nullptr); }

void SioSocket::SendEncoded(SioEncodedPacket packet, const SioConflation& conflation) {
  Post(std::move(packet), &conflation);
}

void SioSocket::Post(SioEncodedPacket packet, const SioConflation* conflation) {
  asio::post(lane_, [self = shared_from_this(), packet = std::move(packet), conflation] {
    self->SendOnLane(packet, conflation);
  });
}

void SioSocket::SendOnLane(const SioEncodedPacket& packet, const SioConflation* conflation) {
  if (!connected_) return;
  if (auto session = session_.lock())
    session->SendOnLane(packet, conflation ? &conflation->merge_ : nullptr);
}

void SioSocket::SendAll(std::vector<SioEncodedPacket> packets) {
  asio::post(lane_, [self = shared_from_this(), packets = std::move(packets)]() mutable {
    if (!self->connected_) return;
    if (auto session = self->session_.lock()) {
      for (SioEncodedPacket& packet : packets) session->Send(std::move(packet));
    }
  });
}

void SioSocket::Disconnect() {
  asio::post(lane_, [self = shared_from_this()] {
    if (!self->connected_) return;
    if (auto session = self->session_.lock()) {
      session->Send(EncodeSioMessage(
          EncodeSioPacket({SioPacketType::kDisconnect, self->nsp_, std::nullopt, nullptr})));
    }
    if (auto owner = self->owner_.lock()) owner->Remove(*self, "server namespace disconnect");
  });
}

void SioSocket::DisconnectAt(std::chrono::system_clock::time_point deadline) {
  asio::post(lane_, [self = shared_from_this(), deadline] {
    if (!self->connected_) return;
    self->expiry_.emplace(self->lane_);
    self->expiry_->expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        deadline - std::chrono::system_clock::now()));
    self->expiry_->async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
      if (auto socket = weak.lock(); socket && !ec) socket->Disconnect();
    });
  });
}

std::shared_ptr<SioSocket> SioSocketLink::Create(std::string nsp, nlohmann::json auth,
                                                 const std::shared_ptr<EioSession>& session,
                                                 std::weak_ptr<SioSocketOwner> owner) {
  return std::shared_ptr<SioSocket>(
      new SioSocket(std::move(nsp), std::move(auth), session, std::move(owner)));
}

const EioLane& SioSocketLink::Lane(const SioSocket& socket) { return socket.lane_; }

void SioSocketLink::MarkConnected(SioSocket& socket) { socket.connected_ = true; }

void SioSocketLink::MarkDisconnected(SioSocket& socket) {
  socket.connected_ = false;
  if (socket.expiry_) socket.expiry_->cancel();
}

void SioSocketLink::SendOnLane(SioSocket& socket, const SioEncodedPacket& packet,
                               const SioConflation* conflation) {
  socket.SendOnLane(packet, conflation);
}

}  // namespace la
