#include "api/socketio/sio_socket.h"

#include <boost/asio/post.hpp>

#include "api/socketio/sio_client.h"
#include "core/socketio.h"

namespace la {

namespace asio = boost::asio;

EioPacketText EncodeSioMessage(std::string_view sio_text) {
  return std::make_shared<const std::string>(
      EncodePacketText({EioPacketType::kMessage, std::string(sio_text), false}));
}

SioSocket::SioSocket(std::string nsp, nlohmann::json auth,
                     const std::shared_ptr<EioSession>& session, std::weak_ptr<SioClient> client)
    : id_(NewSessionId()),
      nsp_(std::move(nsp)),
      auth_(std::move(auth)),
      session_(session),
      strand_(session->strand()),
      client_(std::move(client)) {}

void SioSocket::Emit(std::string_view event, const std::vector<nlohmann::json>& args) {
  SendEncoded(EncodeSioMessage(EncodeEvent(nsp_, event, args)));
}

void SioSocket::Acknowledge(uint64_t ack_id, const std::vector<nlohmann::json>& args) {
  SendEncoded(EncodeSioMessage(EncodeAck(nsp_, ack_id, args)));
}

void SioSocket::SendEncoded(EioPacketText packet) {
  asio::post(strand_, [self = shared_from_this(), packet = std::move(packet)]() mutable {
    if (!self->connected_) return;
    if (auto session = self->session_.lock()) session->Send(std::move(packet));
  });
}

void SioSocket::Disconnect() {
  asio::post(strand_, [self = shared_from_this()] {
    if (!self->connected_) return;
    if (auto session = self->session_.lock()) {
      session->Send(EncodeSioMessage(
          EncodeSioPacket({SioPacketType::kDisconnect, self->nsp_, std::nullopt, nullptr})));
    }
    if (auto client = self->client_.lock()) client->Remove(*self, "server namespace disconnect");
  });
}

void SioSocket::DisconnectAt(std::chrono::system_clock::time_point deadline) {
  asio::post(strand_, [self = shared_from_this(), deadline] {
    if (!self->connected_) return;
    self->expiry_.emplace(self->strand_);
    self->expiry_->expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        deadline - std::chrono::system_clock::now()));
    self->expiry_->async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
      if (auto socket = weak.lock(); socket && !ec) socket->Disconnect();
    });
  });
}

void SioSocket::MarkDisconnected() {
  connected_ = false;
  if (expiry_) expiry_->cancel();
}

}  // namespace la
