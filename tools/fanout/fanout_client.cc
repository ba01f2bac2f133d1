#include "tools/fanout/fanout_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>

#include "tools/fanout/fanout_packet.h"
#include "tools/fanout/proc_sample.h"
#include "tools/fanout/websocket_frame.h"

namespace la::fanout {
namespace {

constexpr uint32_t kPublisherIndex = UINT32_MAX;
constexpr uint32_t kClientMask = 0x5a17c3e9;  // any key will do; the server unmasks
constexpr uint64_t kMaxMessage = 16 << 20;    // a snapshot of 1000 streams is ~60 KB
constexpr size_t kMaxResponseHead = 8192;

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

FanoutClient::FanoutClient(ClientOptions options) : options_(std::move(options)) {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  connections_.resize(options_.steps.back());
  read_buffer_.resize(64 * 1024);
  upgrade_request_ = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" +
                     std::to_string(options_.port) +
                     "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n";
  connect_packet_ = "40" + nlohmann::json{{"token", options_.token}}.dump();
}

FanoutClient::~FanoutClient() {
  for (Connection& c : connections_) {
    if (c.fd >= 0) close(c.fd);
  }
  if (publisher_ >= 0) close(publisher_);
  if (epoll_ >= 0) close(epoll_);
}

Status FanoutClient::ConnectPublisher() {
  publisher_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in address = Loopback(options_.publish_port);
  if (connect(publisher_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return Status::Error(
        "cannot connect to the publish port 127.0.0.1:" + std::to_string(options_.publish_port) +
        ": " + std::strerror(errno) + "; is Redis (or la-fanout-ceiling) listening there?");
  }
  epoll_event event{EPOLLIN, {.u32 = kPublisherIndex}};
  epoll_ctl(epoll_, EPOLL_CTL_ADD, publisher_, &event);
  return Status::Ok();
}

void FanoutClient::OpenConnection() {
  // Slots are taken in order and rarely freed, so the search starts after the last one.
  uint32_t index = 0;
  for (size_t tried = 0;; ++tried) {
    if (tried == connections_.size()) return;
    index = next_slot_;
    next_slot_ = (next_slot_ + 1) % connections_.size();
    if (connections_[index].state == State::kClosed) break;
  }
  Connection& c = connections_[index];
  c = Connection{};
  c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const sockaddr_in address = Loopback(options_.port);
  if (c.fd < 0 ||
      (connect(c.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
       errno != EINPROGRESS)) {
    if (failed_connects_++ == 0) std::cerr << "[fanout] connect: " << std::strerror(errno) << "\n";
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
    return;
  }
  c.state = State::kConnecting;
  ++handshaking_;
  epoll_event event{EPOLLOUT | EPOLLIN, {.u32 = index}};
  epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event);
}

void FanoutClient::OnEvent(uint32_t index, uint32_t events) {
  if (index == kPublisherIndex) {
    // Redis answers each PUBLISH with the number of receivers; only drain it.
    while (recv(publisher_, read_buffer_.data(), read_buffer_.size(), MSG_DONTWAIT) > 0) {
    }
    return;
  }
  Connection& c = connections_[index];
  if (c.state == State::kClosed) return;
  if (c.state == State::kConnecting) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) OnWritable(c);
    return;
  }
  OnReadable(c);
}

void FanoutClient::OnWritable(Connection& c) {
  int error = 0;
  socklen_t size = sizeof error;
  getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
  if (error != 0) {
    Close(c, std::strerror(error));
    return;
  }
  epoll_event event{EPOLLIN, {.u32 = static_cast<uint32_t>(&c - connections_.data())}};
  epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
  c.state = State::kUpgrading;
  if (send(c.fd, upgrade_request_.data(), upgrade_request_.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(upgrade_request_.size())) {
    Close(c, "short write of the upgrade request");
  }
}

void FanoutClient::OnReadable(Connection& c) {
  const ssize_t n = recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    Close(c, n == 0 ? "the server closed the connection" : std::strerror(errno));
    return;
  }
  const std::string_view data(read_buffer_.data(), static_cast<size_t>(n));
  if (c.partial.empty()) {
    Consume(c, data);
    return;
  }
  std::string joined = std::move(c.partial);
  c.partial.clear();
  joined.append(data);
  Consume(c, joined);
}

void FanoutClient::Consume(Connection& c, std::string_view data) {
  if (c.state == State::kUpgrading) {
    const size_t end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (data.size() > kMaxResponseHead) {
        Close(c, "no end of the HTTP response head");
      } else {
        c.partial.assign(data);
      }
      return;
    }
    if (!data.starts_with("HTTP/1.1 101")) {
      Close(c, "upgrade refused: " + std::string(data.substr(0, data.find('\r'))));
      return;
    }
    c.state = State::kOpening;
    data.remove_prefix(end + 4);
  }
  while (!data.empty() && c.state != State::kClosed) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
    Result<std::optional<WsFrameHeader>> header =
        DecodeWsFrameHeader({bytes, data.size()}, false, kMaxMessage);
    if (!header.ok()) {
      BadFrame(header.status().message());
      Close(c, "bad frame");  // the stream cannot be resynchronised
      return;
    }
    if (!*header || (*header)->frame_size() > data.size()) break;
    const WsFrameHeader& h = **header;
    const std::string_view payload = data.substr(h.header_size, h.payload_size);
    data.remove_prefix(h.frame_size());
    switch (h.opcode) {
      case WebSocketOpcode::kText:
      case WebSocketOpcode::kContinuation:
        if (h.fin && c.message.empty()) {
          OnFrame(c, payload);
        } else {
          c.message.append(payload);
          if (h.fin) {
            const std::string message = std::move(c.message);
            c.message.clear();
            OnFrame(c, message);
          }
        }
        break;
      case WebSocketOpcode::kBinary:
        BadFrame("a binary frame (the bench expects only text)");
        break;
      case WebSocketOpcode::kClose:
        Close(c, "WebSocket close frame");
        return;
      case WebSocketOpcode::kPing:
        write_buffer_.clear();
        AppendWsFrame(write_buffer_, WebSocketOpcode::kPong, payload, kClientMask);
        send(c.fd, write_buffer_.data(), write_buffer_.size(), MSG_NOSIGNAL);
        break;
      case WebSocketOpcode::kPong:
        break;
    }
  }
  if (c.state != State::kClosed && !data.empty()) c.partial.assign(data);
}

void FanoutClient::OnFrame(Connection& c, std::string_view text) {
  Result<ServerPacket> packet = ClassifyServerPacket(text, options_.stream);
  if (!packet.ok()) {
    BadFrame(packet.status().message());
    return;
  }
  switch (packet->kind) {
    case ServerPacketKind::kOpen:
      if (c.state == State::kOpening) {
        c.state = State::kJoining;
        SendText(c, connect_packet_);
      }
      break;
    case ServerPacketKind::kPing:
      SendText(c, "3");
      break;
    case ServerPacketKind::kConnectAck:
      if (c.state == State::kJoining) {
        c.state = State::kConnected;
        --handshaking_;
        ++connected_;
        ++awaiting_snapshot_;
      }
      break;
    case ServerPacketKind::kConnectError:
      Close(c, "CONNECT refused: " + std::string(text));
      break;
    case ServerPacketKind::kClose:
    case ServerPacketKind::kDisconnect:
      Close(c, "Engine.IO close or Socket.IO disconnect: " + std::string(text));
      break;
    case ServerPacketKind::kStatsUpdate: {
      if (!c.snapshot && c.state == State::kConnected) {
        c.snapshot = true;
        --awaiting_snapshot_;
      }
      if (!packet->publish_us) break;  // the snapshot, or other streams' totals
      last_bench_frame_ = Clock::now();
      if (!recording_ || *packet->publish_us < step_start_us_) {
        ++tally_.late;
        break;
      }
      const auto latency =
          static_cast<uint64_t>(std::max<int64_t>(0, WallMicros() - *packet->publish_us));
      tally_.latency_us.Record(latency);
      ++tally_.delivered;
      ++c.got;
      c.max_latency_us = std::max(c.max_latency_us,
                                  static_cast<uint32_t>(std::min<uint64_t>(latency, UINT32_MAX)));
      break;
    }
    case ServerPacketKind::kOther:
      break;
  }
}

void FanoutClient::SendText(Connection& c, std::string_view text) {
  write_buffer_.clear();
  AppendWsFrame(write_buffer_, WebSocketOpcode::kText, text, kClientMask);
  // A few dozen bytes into an almost empty socket buffer: a short write means the server
  // stopped reading for good, so the connection is dropped rather than queued.
  if (send(c.fd, write_buffer_.data(), write_buffer_.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(write_buffer_.size())) {
    Close(c, "short write");
  }
}

void FanoutClient::Close(Connection& c, const std::string& reason) {
  if (c.state == State::kClosed) return;
  // The first reason of each kind goes to stderr: enough to see why, not a flood.
  const bool connected = c.state == State::kConnected;
  if (close_reasons_.insert((connected ? "disconnect: " : "failed connect: ") + reason).second) {
    std::cerr << "[fanout] " << (connected ? "disconnect: " : "failed connect: ") << reason << "\n";
  }
  if (connected) {
    --connected_;
    if (!c.snapshot) --awaiting_snapshot_;
    ++tally_.disconnects;
  } else {
    --handshaking_;
    ++failed_connects_;
  }
  close(c.fd);  // also leaves the epoll set
  c.fd = -1;
  c.state = State::kClosed;
  c.partial = std::string();
  c.message = std::string();
}

void FanoutClient::BadFrame(const std::string& message) {
  if (tally_.bad_frames++ == 0 && first_bad_frame_.empty()) first_bad_frame_ = message;
}

int64_t FanoutClient::WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void FanoutClient::PollOnce(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  epoll_event events[1024];
  const int n =
      epoll_wait(epoll_, events, 1024, static_cast<int>(std::clamp<int64_t>(left, 0, 100)));
  for (int i = 0; i < n; ++i) OnEvent(events[i].data.u32, events[i].events);
}

void FanoutClient::OpenUpTo(int target) {
  // Each missing connection is tried once per step: a refusing server is reported, not
  // hammered. A handshake that has not finished after a minute is given up.
  int to_open = target - connected_ - handshaking_;
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while ((to_open > 0 || handshaking_ > 0) && Clock::now() < deadline) {
    while (to_open > 0 && handshaking_ < options_.connect_concurrency) {
      OpenConnection();
      --to_open;
    }
    PollOnce(Clock::now() + std::chrono::milliseconds(10));
  }
  for (Connection& c : connections_) {
    if (c.state != State::kClosed && c.state != State::kConnected) {
      Close(c, "no CONNECT ack within 60 s");
    }
  }
}

void FanoutClient::Publish() {
  const std::string command =
      EncodeRespPublish(options_.channel, EncodeBenchUpdate(options_.stream, WallMicros()));
  if (send(publisher_, command.data(), command.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(command.size())) {
    std::cerr << "[fanout] PUBLISH to 127.0.0.1:" << options_.publish_port
              << " failed: " << std::strerror(errno) << "\n";
    return;
  }
  ++tally_.published;
  tally_.expected += static_cast<uint64_t>(connected_);
}

}  // namespace la::fanout
