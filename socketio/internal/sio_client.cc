#include "socketio/internal/sio_client.h"

#include <spdlog/spdlog.h>

#include "core/json_depth.h"
#include "socketio/protocol/socketio_binary.h"

namespace la {
namespace {

// Refused packets are themselves limited: the same rate, with this burst. A client that
// keeps sending well over its limit runs out of both and is cut off.
constexpr double kRefusalBurst = 1000;
// Refused packets up to this size are decoded to answer their ack with an error.
constexpr size_t kMaxDecodedRefusal = 1024;

}  // namespace

SioClient::SioClient(const std::shared_ptr<EioSession>& session, const SioNamespaces& namespaces,
                     const SioOptions& options)
    : session_(session),
      namespaces_(namespaces),
      options_(options),
      connect_timer_(session->lane()),
      packet_budget_(options.packet_rate, TokenBucket::Clock::now()),
      refusal_budget_({options.packet_rate.per_second, kRefusalBurst}, TokenBucket::Clock::now()),
      assembler_(options.limits) {}

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
  // A text message is a packet, which counts against the rate; a binary one is an
  // attachment of the packet that announced it.
  if (!binary) {
    if (RateDecision budget = packet_budget_.Take(TokenBucket::Clock::now()); !budget.allowed) {
      return RefuseOverLimit(data, budget.retry_after);
    }
  }
  Result<std::optional<SioAssembledPacket>> taken = assembler_.Take(data, binary);
  if (!taken.ok()) return Fail(taken.status().message());
  if (*taken) Deliver(std::move((*taken)->packet), std::move((*taken)->attachments));
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
  // The application kept what it needs of the auth payload (in data()): a socket that
  // lives for hours holds no more than that.
  SioSocketLink::ReleaseAuth(*socket);
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
  if (data.size() > kMaxDecodedRefusal || !JsonDepthWithin(data, options_.limits.max_json_depth))
    return;
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
