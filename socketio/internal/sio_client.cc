#include "socketio/internal/sio_client.h"

#include <spdlog/spdlog.h>

#include "core/requests/json_depth.h"
#include "socketio/protocol/socketio_binary.h"

namespace la {
namespace {

// Deeper JSON from a client is a protocol error (see core/json_depth.h); the api's
// events nest two or three levels.
constexpr size_t kMaxJsonDepth = 32;
// A packet may announce at most this many attachments, of this many bytes in all.
constexpr size_t kMaxAttachments = 16;
constexpr size_t kMaxAttachmentBytes = 1 << 20;
// Refused packets are themselves limited: the same rate, with this burst. A client that
// keeps sending well over its limit runs out of both and is cut off.
constexpr double kRefusalBurst = 1000;
// Refused packets up to this size are decoded to answer their ack with an error.
constexpr size_t kMaxDecodedRefusal = 1024;

}  // namespace

SioClient::SioClient(const std::shared_ptr<EioSession>& session, const SioNamespaces& namespaces,
                     RateLimit packet_rate)
    : session_(session),
      namespaces_(namespaces),
      connect_timer_(session->lane()),
      packet_budget_(packet_rate, TokenBucket::Clock::now()),
      refusal_budget_({packet_rate.per_second, kRefusalBurst}, TokenBucket::Clock::now()) {}

void SioClient::StartConnectTimeout(std::chrono::milliseconds timeout) {
  connect_timer_.expires_after(timeout);
  connect_timer_.async_wait(
      [weak = weak_from_this(), timeout](const boost::system::error_code& ec) {
        auto client = weak.lock();
        if (ec || !client || !client->sockets_.empty()) return;
        client->Fail("no namespace joined within " + std::to_string(timeout.count()) + " ms");
      });
}

void SioClient::OnMessage(std::string_view data, bool binary) {
  if (failed_) return;
  if (binary) return AddAttachment(data);
  if (awaited_) {
    return Fail("a text packet arrived while " + std::to_string(awaited_->attachments_left) +
                " attachments were still expected");
  }
  if (RateDecision budget = packet_budget_.Take(TokenBucket::Clock::now()); !budget.allowed) {
    return RefuseOverLimit(data, budget.retry_after);
  }
  if (!JsonDepthWithin(data, kMaxJsonDepth)) {
    return Fail("a packet nests JSON deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  Result<SioPacketHeader> header = DecodeSioPacketHeader(data);
  if (!header.ok()) return Fail("malformed Socket.IO packet: " + header.status().message());
  if (header->attachments == 0) return Deliver(std::move(header->packet), {});
  if (header->attachments > kMaxAttachments) {
    return Fail("a packet announces " + std::to_string(header->attachments) +
                " attachments, more than " + std::to_string(kMaxAttachments));
  }
  awaited_ = AwaitedAttachments{std::move(header->packet), header->attachments, {}, 0};
}

void SioClient::AddAttachment(std::string_view bytes) {
  if (!awaited_) return Fail("a binary message arrived that no packet announced");
  awaited_->bytes += bytes.size();
  if (awaited_->bytes > kMaxAttachmentBytes) {
    return Fail("the attachments of one packet exceed " + std::to_string(kMaxAttachmentBytes) +
                " bytes");
  }
  awaited_->attachments.emplace_back(bytes);
  if (--awaited_->attachments_left > 0) return;
  AwaitedAttachments complete = std::move(*awaited_);
  awaited_.reset();
  Deliver(std::move(complete.packet), std::move(complete.attachments));
}

void SioClient::Deliver(SioPacket packet, std::vector<std::string> attachments) {
  switch (packet.type) {
    case SioPacketType::kConnect:
      Connect(packet);
      break;
    case SioPacketType::kDisconnect:
      Leave(packet.nsp, "client namespace disconnect");
      break;
    case SioPacketType::kEvent:
      // Events for a namespace the client has not joined are ignored, as by the reference server.
      if (auto it = sockets_.find(packet.nsp); it != sockets_.end()) {
        const std::shared_ptr<SioSocket> socket = it->second;
        namespaces_.find(socket->nsp())
            ->second->Dispatch(socket, std::move(packet), std::move(attachments));
      }
      break;
    case SioPacketType::kAck:
      break;  // this server never asks a client for an acknowledgement
    default:
      Fail("a client may not send Socket.IO packet type " +
           std::to_string(static_cast<int>(packet.type)));
      break;
  }
}

void SioClient::Connect(SioPacket& packet) {
  auto ns = namespaces_.find(packet.nsp);
  if (ns == namespaces_.end()) return Send(EncodeConnectError(packet.nsp, "Invalid namespace"));
  if (sockets_.contains(packet.nsp)) return;  // already joined: nothing changes
  auto session = session_.lock();
  if (!session) return;
  nlohmann::json auth = packet.data.is_null() ? nlohmann::json::object() : std::move(packet.data);
  auto socket = SioSocketLink::Create(packet.nsp, std::move(auth), session,
                                      std::static_pointer_cast<SioSocketOwner>(shared_from_this()));
  if (std::optional<std::string> refusal = ns->second->Admit(*socket)) {
    return Send(EncodeConnectError(packet.nsp, *refusal));
  }
  connect_timer_.cancel();
  sockets_.emplace(packet.nsp, socket);
  SioSocketLink::MarkConnected(*socket);
  Send(EncodeConnectAccepted(packet.nsp, socket->id()));
  ns->second->Connected(socket);
}

bool SioClient::Leave(const std::string& nsp, std::string_view reason) {
  auto it = sockets_.find(nsp);
  if (it == sockets_.end()) return false;
  const std::shared_ptr<SioSocket> socket = std::move(it->second);
  sockets_.erase(it);
  SioSocketLink::MarkDisconnected(*socket);
  namespaces_.find(socket->nsp())->second->Disconnected(*socket, reason);
  return true;
}

void SioClient::Remove(SioSocket& socket, std::string_view reason) {
  if (!Leave(socket.nsp(), reason) || !sockets_.empty()) return;
  if (auto session = session_.lock())
    session->Close("the server disconnected the client's last namespace");
}

void SioClient::OnClose(std::string_view reason) {
  connect_timer_.cancel();
  while (!sockets_.empty()) {
    const std::string nsp = sockets_.begin()->first;
    Leave(nsp, reason);
  }
}

void SioClient::Send(const std::string& sio_text) {
  if (auto session = session_.lock()) session->Send(EncodeSioMessage(sio_text));
}

void SioClient::RefuseOverLimit(std::string_view data, std::chrono::milliseconds retry_after) {
  if (!refusal_budget_.Take(TokenBucket::Clock::now()).allowed) {
    return Fail("the client keeps sending Socket.IO packets over its rate limit");
  }
  // Only a short event is decoded, to answer its ack: the point is to spend little here.
  if (data.size() > kMaxDecodedRefusal || !JsonDepthWithin(data, kMaxJsonDepth)) return;
  Result<SioPacketHeader> header = DecodeSioPacketHeader(data);
  if (!header.ok() || header->attachments > 0 || header->packet.type != SioPacketType::kEvent ||
      !header->packet.id) {
    return;
  }
  auto it = sockets_.find(header->packet.nsp);
  if (it == sockets_.end()) return;
  it->second->Acknowledge(
      *header->packet.id,
      {{{"error", "too many events; retry in " + std::to_string(retry_after.count()) + " ms"}}});
}

void SioClient::Fail(const std::string& reason) {
  failed_ = true;
  spdlog::debug("socket.io client closed: {}", reason);
  if (auto session = session_.lock()) session->Close(reason);
}

}  // namespace la
