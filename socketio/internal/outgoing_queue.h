// The packets waiting for one Engine.IO session's client, shared by the session (which
// queues them) and its transport (which takes them from the front and sends them).
//
// Bounded: a packet that would take the queue over its byte limit is refused, and the
// session then ends (a client that does not read is disconnected, never buffered without
// end). A packet queued with its SioUpdate may be folded into a waiting update instead of
// taking a place of its own (conflation for a client that is behind, sio_update.h).
//
// A closed queue takes no more packets: once its transport has sent what it holds, the
// transport ends gracefully (the close frame, or the last polling response).
//
// Not thread-safe: used on the session's strand.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "socketio/internal/packet_queue.h"
#include "socketio/sio_update.h"

namespace la {

// An encoded Engine.IO packet ("4..." for a message), shared so that one broadcast is
// encoded once and queued for many sessions without copies.
using EioPacketText = SioEncodedPacket;
using EioUpdate = std::shared_ptr<const SioUpdate>;

// The packets the server sends on its own, encoded once for every session.
const EioPacketText& EncodedPing();
const EioPacketText& EncodedClose();
const EioPacketText& EncodedNoop();

class OutgoingQueue {
 public:
  explicit OutgoingQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

  enum class Pushed {
    kQueued,    // it waits at the back
    kMerged,    // it was folded into a waiting packet
    kOverflow,  // refused: the queue would exceed its byte limit
    kClosed,    // refused: the queue is closed
  };
  // Queues `packet`. With `update` (what `packet` encodes) and `may_merge`, the update is
  // folded into a waiting update that it conflates with instead, searched from the newest
  // back to the first packet that carries no update (so that it never overtakes an ack or
  // another packet that must keep its order).
  Pushed Push(EioPacketText packet, EioUpdate update = nullptr, bool may_merge = false);
  // Queues the packet that ends the session (a close or noop packet), whatever the limit.
  void PushLast(EioPacketText packet);

  // The oldest packet, removed (a merged update is encoded now); nullptr when there is none.
  EioPacketText TakeFront();
  // Every waiting packet, removed, as one HTTP long-polling body (separated by \x1e).
  std::string TakeAllAsPayload();
  void Clear();

  // No packet is taken any more: the session is ending.
  void Close() { closed_ = true; }
  bool closed() const { return closed_; }

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    EioPacketText text;  // null for a merged update until it is taken
    EioUpdate update;    // what a newer update may be folded into, if anything
    size_t bytes = 0;    // the text's size, or a merged update's bound
  };
  // Folds `update` into a waiting update it conflates with; false if there is none.
  bool MergeIntoWaiting(const SioUpdate& update);
  static EioPacketText TextOf(Entry& entry);

  const size_t max_bytes_;
  PacketQueue<Entry> entries_;
  size_t bytes_ = 0;
  bool closed_ = false;
};

}  // namespace la
