// One packet, encoded once, sent to many sockets: the broadcast path.
//
// Sockets live on a few shared strands (EioOptions::lanes). A broadcast groups the sockets
// by lane and posts one handler per lane and batch of kBatchSize sockets, which queues the
// packet for each of them in turn on that strand; sending to each socket on its own
// (SioSocket::SendEncoded) would post one handler per socket. Each socket gets the packet
// as if sent with SendEncoded, in order with everything else sent to it.
//
// Not thread-safe itself (one thread builds and sends a broadcast); the sockets it reaches
// may live on any strand.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "socketio/eio_options.h"
#include "socketio/sio_socket.h"

namespace la {

class SioBroadcast {
 public:
  // Sockets handled in one turn of a lane: bounds how long a broadcast holds an I/O thread
  // before the lane's other work (reads, acks, the next batch) gets a turn.
  static constexpr size_t kBatchSize = 256;

  // `packet` for the sockets added; with `update` (what `packet` encodes), a socket that is
  // behind gets it folded into a waiting update (see SioSocket::SendEncoded).
  explicit SioBroadcast(SioEncodedPacket packet, std::shared_ptr<const SioUpdate> update = nullptr);
  SioBroadcast(const SioBroadcast&) = delete;
  SioBroadcast& operator=(const SioBroadcast&) = delete;
  SioBroadcast(SioBroadcast&&) = default;
  SioBroadcast& operator=(SioBroadcast&&) = default;
  // Sends what was added and not yet sent.
  ~SioBroadcast();

  // Adds a recipient; a full batch is posted to its lane at once.
  void Add(const std::shared_ptr<SioSocket>& socket);
  // Posts the batches still being filled.
  void Send();

 private:
  struct Batch {
    EioLane lane;
    std::vector<std::shared_ptr<SioSocket>> sockets;
  };
  void Post(Batch& batch);

  SioEncodedPacket packet_;
  std::shared_ptr<const SioUpdate> update_;
  std::vector<Batch> batches_;  // one being filled per lane seen so far
};

}  // namespace la
