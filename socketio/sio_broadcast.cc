#include "socketio/sio_broadcast.h"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "socketio/internal/socket_link.h"

namespace la {

SioBroadcast::SioBroadcast(SioEncodedPacket packet, std::shared_ptr<const SioUpdate> update)
    : packet_(std::move(packet)), update_(std::move(update)) {}

SioBroadcast::~SioBroadcast() { Send(); }

void SioBroadcast::Add(const std::shared_ptr<SioSocket>& socket) {
  const EioLane& lane = SioSocketLink::Lane(*socket);
  auto batch = std::find_if(batches_.begin(), batches_.end(),
                            [&](const Batch& open) { return open.lane == lane; });
  if (batch == batches_.end()) batch = batches_.insert(batches_.end(), Batch{lane, {}});
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
                    [sockets = std::move(batch.sockets), packet = packet_, update = update_] {
                      for (const std::shared_ptr<SioSocket>& socket : sockets)
                        SioSocketLink::SendOnLane(*socket, packet, update);
                    });
  batch.sockets = {};
}

}  // namespace la
