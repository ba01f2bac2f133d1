// Conflation for clients that cannot keep up: an update that a newer one of the same kind
// and key may replace while it still waits in a slow client's queue (e.g. the latest total
// of a stream replaces the one not yet sent), so that such a client's queue holds at most
// one update per key instead of growing with every publish.
//
// An update is structured data, decoded once per publish and shared (immutable) by every
// socket it is sent to with its packet, encoded once (SioSocket::SendEncoded,
// SioBroadcast). Only a client that is behind pays for conflation: its waiting update is
// replaced by MergedWith, and the merged update is encoded once, when it is written.
// Implementations are pure and thread-safe (they are shared across lanes).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace la {

// A Socket.IO packet encoded once, to be sent to many sockets: the bytes of the Engine.IO
// message that carries it, shared without copies.
using SioEncodedPacket = std::shared_ptr<const std::string>;

class SioUpdate {
 public:
  virtual ~SioUpdate() = default;
  // Whether `newer` may replace this waiting update: the same kind and key.
  virtual bool Conflates(const SioUpdate& newer) const = 0;
  // The update that replaces this waiting one and `newer` (for which Conflates is true).
  virtual std::shared_ptr<const SioUpdate> MergedWith(const SioUpdate& newer) const = 0;
  // The Engine.IO packet that carries the update (see EncodeEventPacket).
  virtual SioEncodedPacket Encode() const = 0;
  // An upper bound of Encode()'s size in bytes, for the client's queue bound.
  virtual size_t EncodedSizeBound() const = 0;
};

}  // namespace la
