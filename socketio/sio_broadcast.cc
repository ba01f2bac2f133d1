#include "socketio/sio_broadcast.h"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace la {

SioBroadcast::SioBroadcast(SioEncodedPacket packet, const SioConflation* conflation)
    : packet_(std::move(packet)), merge_(conflation ? &conflation->merge() : nullptr) {}

SioBroadcast::~SioBroadcast() { Send(); }

void SioBroadcast::Add(const std::shared_ptr<SioSocket>& socket) {
  auto batch = std::find_if(batches_.begin(), batches_.end(),
                            [&](const Batch& open) { return open.lane == socket->strand(); });
  if (batch == batches_.end()) batch = batches_.insert(batches_.end(), Batch{socket->strand(), {}});
  if (batch->sockets.empty()) batch->sockets.reserve(kBatchSize);
  batch->sockets.push_back(socket);
  if (batch->sockets.size() == kBatchSize) Post(*batch);
}

void SioBroadcast::Send() {
  for (Batch& batch : batches_) {
    if (!batch.sockets.empty()) Post(batch);
  }
}

void SioBroadcast::Post(Batch& batch) {
  boost::asio::post(batch.lane,
                    [sockets = std::move(batch.sockets), packet = packet_, merge = merge_] {
                      for (const std::shared_ptr<SioSocket>& socket : sockets)
                        socket->SendOnStrand(packet, merge);
                    });
  batch.sockets = {};
}

}  // namespace la
