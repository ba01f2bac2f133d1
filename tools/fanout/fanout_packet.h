// The Engine.IO / Socket.IO packets of the fan-out bench, as text (the payload of one
// WebSocket text frame). Pure code, no I/O, no allocation on the read path; thread-safe.
//
// Every update the bench publishes on `stream-updates` is one total whose `likes` is the
// publish time in microseconds since the Unix epoch:
//   [{"streamId":"fanout-bench","likes":1795940220123456}]
// and an api node relays it to its dashboards as
//   42["statsUpdate",[{"likes":1795940220123456,"streamId":"fanout-bench"}]]
// (its JSON keys are sorted). The client subtracts that time from the arrival time: both
// ends run on this machine, so no clock sync is involved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace la::fanout {

enum class ServerPacketKind {
  kOpen,          // "0{...}": the Engine.IO handshake
  kClose,         // "1"
  kPing,          // "2": must be answered with "3"
  kConnectAck,    // "40" or "40{...}": the Socket.IO CONNECT to "/" was accepted
  kConnectError,  // "44...": refused (bad token)
  kDisconnect,    // "41"
  kStatsUpdate,   // 42["statsUpdate",[...]]
  kOther,         // any other well-formed packet (pong, noop, another event)
};

struct ServerPacket {
  ServerPacketKind kind = ServerPacketKind::kOther;
  // For kStatsUpdate: the bench stream's total (its publish time), if the update lists it.
  std::optional<int64_t> publish_us;
};

// Classifies one text packet from the server. `stream_id` names the bench's stream. Fails
// on an empty packet, an unknown Engine.IO type, or a statsUpdate whose totals are not an
// array of {"streamId": "...", "likes": <integer>} objects (the message says where).
Result<ServerPacket> ClassifyServerPacket(std::string_view text, std::string_view stream_id);

// The `stream-updates` message that carries `publish_us` as the total of `stream_id`.
std::string EncodeBenchUpdate(std::string_view stream_id, int64_t publish_us);

// 42["statsUpdate",<totals>]: what a dashboard receives for a `stream-updates` message.
std::string EncodeStatsUpdateEvent(std::string_view totals_json);

// The RESP command PUBLISH <channel> <message>, as redis-cli would send it.
std::string EncodeRespPublish(std::string_view channel, std::string_view message);

}  // namespace la::fanout
