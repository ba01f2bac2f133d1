#include "api/realtime/like_feed.h"

#include <map>

#include "core/socketio.h"

namespace la {
namespace {

std::string RoomOf(const std::string& stream_id) { return "stream:" + stream_id; }

EioPacketText EncodeStatsUpdate(std::span<const StreamTotal> totals) {
  return EncodeSioMessage(EncodeEvent("/", "statsUpdate", {StreamTotalsJson(totals)}));
}

EioPacketText EncodeLikeCount(const std::string& nsp, const StreamTotal& total) {
  return EncodeSioMessage(EncodeEvent(nsp, "likeCount", {StreamTotalJson(total)}));
}

}  // namespace

void LikeFeed::AddDashboard(std::shared_ptr<SioSocket> socket) {
  std::lock_guard lock(mutex_);
  const std::string id = socket->id();
  dashboards_[id] = Dashboard{std::move(socket)};
}

void LikeFeed::SendSnapshot(const std::string& socket_id, std::vector<StreamTotal> snapshot) {
  std::lock_guard lock(mutex_);
  auto it = dashboards_.find(socket_id);
  if (it == dashboards_.end()) return;
  Dashboard& dashboard = it->second;
  FoldedSnapshot folded = FoldHeldTotals(std::move(snapshot), dashboard.held);
  dashboard.socket->SendEncoded(EncodeStatsUpdate(folded.snapshot));
  if (!folded.changes.empty()) dashboard.socket->SendEncoded(EncodeStatsUpdate(folded.changes));
  dashboard.awaiting_snapshot = false;
  dashboard.held.clear();
}

std::vector<std::string> LikeFeed::HoldDashboardsForNewSnapshot() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> held;
  for (auto& [id, dashboard] : dashboards_) {
    if (dashboard.awaiting_snapshot) continue;
    dashboard.awaiting_snapshot = true;
    dashboard.held.clear();
    held.push_back(id);
  }
  return held;
}

bool LikeFeed::Subscribe(const std::shared_ptr<SioSocket>& socket, const std::string& stream_id) {
  std::lock_guard lock(mutex_);
  const std::string room = RoomOf(stream_id);
  if (!rooms_.IsMember(socket->id(), room) &&
      rooms_.RoomsOf(socket->id()).size() >= kMaxSubscriptionsPerSocket) {
    return false;
  }
  Subscriber& subscriber = subscribers_[socket->id()];
  subscriber.socket = socket;
  subscriber.awaiting_confirmation.insert(stream_id);
  rooms_.Join(socket->id(), room);
  return true;
}

void LikeFeed::ConfirmSubscription(const std::shared_ptr<SioSocket>& socket,
                                   const std::string& stream_id, const Result<int64_t>& likes,
                                   std::optional<uint64_t> ack_id) {
  std::lock_guard lock(mutex_);
  std::optional<int64_t> held;
  if (auto it = subscribers_.find(socket->id()); it != subscribers_.end()) {
    it->second.awaiting_confirmation.erase(stream_id);
    if (auto node = it->second.held.extract(stream_id)) held = node.mapped();
  }
  if (likes.ok()) {
    if (ack_id)
      socket->Acknowledge(*ack_id,
                          {StreamTotalJson({stream_id, std::max(*likes, held.value_or(0))})});
    return;
  }
  if (ack_id) {
    socket->Acknowledge(
        *ack_id, {{{"streamId", stream_id},
                   {"error", "the current total is unavailable: " + likes.status().message()}}});
  }
  if (held) socket->SendEncoded(EncodeLikeCount(socket->nsp(), {stream_id, *held}));
}

void LikeFeed::Unsubscribe(const std::string& socket_id, const std::string& stream_id) {
  std::lock_guard lock(mutex_);
  rooms_.Leave(socket_id, RoomOf(stream_id));
  auto it = subscribers_.find(socket_id);
  if (it == subscribers_.end()) return;
  it->second.awaiting_confirmation.erase(stream_id);
  it->second.held.erase(stream_id);
  if (rooms_.RoomsOf(socket_id).empty() && it->second.awaiting_confirmation.empty())
    subscribers_.erase(it);
}

void LikeFeed::Remove(const std::string& socket_id) {
  std::lock_guard lock(mutex_);
  dashboards_.erase(socket_id);
  subscribers_.erase(socket_id);
  rooms_.LeaveAll(socket_id);
}

void LikeFeed::Publish(const std::vector<StreamTotal>& totals) {
  std::lock_guard lock(mutex_);
  if (!dashboards_.empty()) {
    const EioPacketText stats = EncodeStatsUpdate(totals);
    for (auto& [id, dashboard] : dashboards_) {
      if (!dashboard.awaiting_snapshot) {
        dashboard.socket->SendEncoded(stats);
      } else {
        for (const StreamTotal& total : totals) HoldTotal(dashboard.held, total);
      }
    }
  }
  for (const StreamTotal& total : totals) {
    const Rooms::NameSet& members = rooms_.Members(RoomOf(total.stream_id));
    std::map<std::string, EioPacketText, std::less<>> like_count;  // one encoding per namespace
    for (const std::string& member : members) {
      Subscriber& subscriber = subscribers_.at(member);
      if (subscriber.awaiting_confirmation.contains(total.stream_id)) {
        HoldTotal(subscriber.held, total);
        continue;
      }
      EioPacketText& packet = like_count[subscriber.socket->nsp()];
      if (!packet) packet = EncodeLikeCount(subscriber.socket->nsp(), total);
      subscriber.socket->SendEncoded(packet);
    }
  }
}

}  // namespace la
