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

void SioSocket::SendEncoded(SioEncodedPacket packet, std::shared_ptr<const SioUpdate> update) {
  Post(std::move(packet), std::move(update));
}

void SioSocket::Post(SioEncodedPacket packet, std::shared_ptr<const SioUpdate> update) {
  asio::post(lane_, [self = shared_from_this(), packet = std::move(packet),
                     update = std::move(update)] { self->SendOnLane(packet, update); });
}

void SioSocket::SendOnLane(const SioEncodedPacket& packet,
                           const std::shared_ptr<const SioUpdate>& update) {
  if (!connected_) return;
  if (auto session = session_.lock()) session->SendOnLane(packet, update);
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

void SioSocketLink::ReleaseAuth(SioSocket& socket) { socket.auth_ = nullptr; }

void SioSocketLink::SendOnLane(SioSocket& socket, const SioEncodedPacket& packet,
                               const std::shared_ptr<const SioUpdate>& update) {
  socket.SendOnLane(packet, update);
}

}  // namespace la
