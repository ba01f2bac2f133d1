#include "api/realtime/like_feed.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "socketio/sio_broadcast.h"

namespace la {
namespace {

constexpr std::string_view kRoomPrefix = "stream:";

std::string RoomOf(const std::string& stream_id) { return std::string(kRoomPrefix) + stream_id; }

SioEncodedPacket EncodeStatsUpdate(std::span<const StreamTotal> totals) {
  return EncodeEventPacket("/", "statsUpdate", {StreamTotalsJson(totals)});
}

SioEncodedPacket EncodeLikeCount(const std::string& nsp, const StreamTotal& total) {
  return EncodeEventPacket(nsp, "likeCount", {StreamTotalJson(total)});
}

// Bytes of an encoded event around its totals (`42/nsp,["statsUpdate",[` ... `]]`, plus the
// namespace), and of one total around its stream id (`{"likes":<up to 20 digits>,
// "streamId":""},`). Stream ids need no JSON escapes: they are [A-Za-z0-9_.:-] (CheckStreamId).
constexpr size_t kEventOverhead = 32;
constexpr size_t kTotalOverhead = 48;

// A statsUpdate as structured data: a dashboard that is behind gets one statsUpdate with
// the latest total of every stream in the ones it missed (MergePendingTotals). Totals only
// grow, so the latest totals are all such a client needs, and what it sees never goes down.
class StatsUpdate final : public SioUpdate {
 public:
  explicit StatsUpdate(std::vector<StreamTotal> totals) : totals_(std::move(totals)) {}
  bool Conflates(const SioUpdate& newer) const override {
    return dynamic_cast<const StatsUpdate*>(&newer) != nullptr;
  }
  std::shared_ptr<const SioUpdate> MergedWith(const SioUpdate& newer) const override {
    return std::make_shared<StatsUpdate>(
        MergePendingTotals(totals_, static_cast<const StatsUpdate&>(newer).totals_));
  }
  SioEncodedPacket Encode() const override { return EncodeStatsUpdate(totals_); }
  size_t EncodedSizeBound() const override {
    size_t bytes = kEventOverhead;
    for (const StreamTotal& total : totals_) bytes += kTotalOverhead + total.stream_id.size();
    return bytes;
  }

 private:
  std::vector<StreamTotal> totals_;
};

// A likeCount as structured data: a waiting one takes in a newer one of the same stream
// and namespace (the higher total).
class LikeCountUpdate final : public SioUpdate {
 public:
  LikeCountUpdate(std::string nsp, StreamTotal total)
      : nsp_(std::move(nsp)), total_(std::move(total)) {}
  bool Conflates(const SioUpdate& newer) const override {
    const auto* other = dynamic_cast<const LikeCountUpdate*>(&newer);
    return other != nullptr && other->total_.stream_id == total_.stream_id && other->nsp_ == nsp_;
  }
  std::shared_ptr<const SioUpdate> MergedWith(const SioUpdate& newer) const override {
    const auto& other = static_cast<const LikeCountUpdate&>(newer);
    return std::make_shared<LikeCountUpdate>(
        nsp_, StreamTotal{total_.stream_id, std::max(total_.likes, other.total_.likes)});
  }
  SioEncodedPacket Encode() const override { return EncodeLikeCount(nsp_, total_); }
  size_t EncodedSizeBound() const override {
    return kEventOverhead + nsp_.size() + kTotalOverhead + total_.stream_id.size();
  }

 private:
  std::string nsp_;
  StreamTotal total_;
};

nlohmann::json ViewerCountJson(const ViewerCount& count) {
  return {{"streamId", count.stream_id}, {"viewers", count.viewers}};
}

// Viewer counts go up and down, so the newest count is the one to keep. A viewerCounts
// that waits for a slow dashboard takes in a newer one stream by stream (and its total).
class ViewerCountsUpdate final : public SioUpdate {
 public:
  ViewerCountsUpdate(std::vector<ViewerCount> streams, int64_t total)
      : streams_(std::move(streams)), total_(total) {}
  bool Conflates(const SioUpdate& newer) const override {
    return dynamic_cast<const ViewerCountsUpdate*>(&newer) != nullptr;
  }
  std::shared_ptr<const SioUpdate> MergedWith(const SioUpdate& newer) const override {
    const auto& other = static_cast<const ViewerCountsUpdate&>(newer);
    std::map<std::string, int64_t> merged;
    for (const auto* counts : {&streams_, &other.streams_})
      for (const ViewerCount& count : *counts) merged[count.stream_id] = count.viewers;
    std::vector<ViewerCount> streams;
    streams.reserve(merged.size());
    for (auto& [id, viewers] : merged) streams.push_back({id, viewers});
    return std::make_shared<ViewerCountsUpdate>(std::move(streams), other.total_);
  }
  SioEncodedPacket Encode() const override {
    nlohmann::json streams = nlohmann::json::array();
    for (const ViewerCount& count : streams_) streams.push_back(ViewerCountJson(count));
    return EncodeEventPacket("/", "viewerCounts",
                             {{{"total", total_}, {"streams", std::move(streams)}}});
  }
  size_t EncodedSizeBound() const override {
    size_t bytes = kEventOverhead + kTotalOverhead;
    for (const ViewerCount& count : streams_) bytes += kTotalOverhead + count.stream_id.size();
    return bytes;
  }

 private:
  std::vector<ViewerCount> streams_;
  int64_t total_;
};

// A viewerCount waiting for a slow subscriber is replaced by a newer one of its stream.
class ViewerCountUpdate final : public SioUpdate {
 public:
  ViewerCountUpdate(std::string nsp, ViewerCount count)
      : nsp_(std::move(nsp)), count_(std::move(count)) {}
  bool Conflates(const SioUpdate& newer) const override {
    const auto* other = dynamic_cast<const ViewerCountUpdate*>(&newer);
    return other != nullptr && other->count_.stream_id == count_.stream_id && other->nsp_ == nsp_;
  }
  std::shared_ptr<const SioUpdate> MergedWith(const SioUpdate& newer) const override {
    return std::make_shared<ViewerCountUpdate>(static_cast<const ViewerCountUpdate&>(newer));
  }
  SioEncodedPacket Encode() const override {
    return EncodeEventPacket(nsp_, "viewerCount", {ViewerCountJson(count_)});
  }
  size_t EncodedSizeBound() const override {
    return kEventOverhead + nsp_.size() + kTotalOverhead + count_.stream_id.size();
  }

 private:
  std::string nsp_;
  ViewerCount count_;
};

// A dashboard event of which only the newest matters (clusterTotals): one waiting for a
// slow dashboard is replaced by the next.
class LatestDashboardEvent final : public SioUpdate {
 public:
  explicit LatestDashboardEvent(SioEncodedPacket packet) : packet_(std::move(packet)) {}
  bool Conflates(const SioUpdate& newer) const override {
    return dynamic_cast<const LatestDashboardEvent*>(&newer) != nullptr;
  }
  std::shared_ptr<const SioUpdate> MergedWith(const SioUpdate& newer) const override {
    return std::make_shared<LatestDashboardEvent>(static_cast<const LatestDashboardEvent&>(newer));
  }
  SioEncodedPacket Encode() const override { return packet_; }
  size_t EncodedSizeBound() const override { return packet_->size(); }

 private:
  SioEncodedPacket packet_;
};

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

SubscribeResult LikeFeed::Subscribe(const std::shared_ptr<SioSocket>& socket,
                                    const std::string& stream_id, std::optional<uint64_t> ack_id,
                                    size_t max_reads_in_flight) {
  std::lock_guard lock(mutex_);
  const std::string room = RoomOf(stream_id);
  const bool member = rooms_.IsMember(socket->id(), room);
  auto existing = subscribers_.find(socket->id());
  if (member && existing != subscribers_.end()) {
    auto confirming = existing->second.awaiting_confirmation.find(stream_id);
    if (confirming != existing->second.awaiting_confirmation.end()) {
      if (!ack_id) return {SubscribeOutcome::kDeferred, ""};
      if (confirming->second.size() >= kMaxDeferredAcks) {
        return {SubscribeOutcome::kRefused,
                "this stream's total is still being read; retry shortly"};
      }
      confirming->second.push_back(*ack_id);
      return {SubscribeOutcome::kDeferred, ""};
    }
    if (auto known = known_totals_.find(stream_id); known != known_totals_.end()) {
      if (ack_id) socket->Acknowledge(*ack_id, {StreamTotalJson({stream_id, known->second})});
      return {SubscribeOutcome::kAnswered, ""};
    }
    // Subscribed, but its first read failed and nothing was published since: read again.
  }
  if (!member && rooms_.RoomsOf(socket->id()).size() >= kMaxSubscriptionsPerSocket) {
    return {SubscribeOutcome::kRefused, "a socket may subscribe to at most " +
                                            std::to_string(kMaxSubscriptionsPerSocket) +
                                            " streams at once"};
  }
  if (existing != subscribers_.end() &&
      existing->second.awaiting_confirmation.size() >= max_reads_in_flight) {
    return {SubscribeOutcome::kRefused,
            "a socket may have at most " + std::to_string(max_reads_in_flight) +
                " subscriptions being confirmed at once; retry when they are acknowledged"};
  }
  Subscriber& subscriber = subscribers_[socket->id()];
  subscriber.socket = socket;
  subscriber.awaiting_confirmation.try_emplace(stream_id);
  if (rooms_.Join(socket->id(), room)) NotifyMembership(socket->nsp(), stream_id, true);
  return {SubscribeOutcome::kRead, ""};
}

void LikeFeed::ConfirmSubscription(const std::shared_ptr<SioSocket>& socket,
                                   const std::string& stream_id, const Result<int64_t>& likes,
                                   std::optional<uint64_t> ack_id) {
  std::lock_guard lock(mutex_);
  std::optional<int64_t> held;
  std::vector<uint64_t> acks;
  if (auto it = subscribers_.find(socket->id()); it != subscribers_.end()) {
    if (auto node = it->second.awaiting_confirmation.extract(stream_id))
      acks = std::move(node.mapped());
    if (auto node = it->second.held.extract(stream_id)) held = node.mapped();
  }
  if (ack_id) acks.insert(acks.begin(), *ack_id);
  const bool subscribed = rooms_.IsMember(socket->id(), RoomOf(stream_id));
  if (likes.ok()) {
    const int64_t total = std::max(*likes, held.value_or(0));
    if (subscribed) {
      int64_t& known = known_totals_[stream_id];
      known = std::max(known, total);
    }
    for (uint64_t ack : acks) socket->Acknowledge(ack, {StreamTotalJson({stream_id, total})});
    return;
  }
  for (uint64_t ack : acks) {
    socket->Acknowledge(
        ack, {{{"streamId", stream_id},
               {"error", "the current total is unavailable: " + likes.status().message()}}});
  }
  if (held) socket->SendEncoded(EncodeLikeCount(socket->nsp(), {stream_id, *held}));
}

bool LikeFeed::AwaitsConfirmation(const std::string& socket_id, const std::string& stream_id) {
  std::lock_guard lock(mutex_);
  auto it = subscribers_.find(socket_id);
  return it != subscribers_.end() && it->second.awaiting_confirmation.contains(stream_id);
}

bool LikeFeed::AwaitsSnapshot(const std::string& socket_id) {
  std::lock_guard lock(mutex_);
  auto it = dashboards_.find(socket_id);
  return it != dashboards_.end() && it->second.awaiting_snapshot;
}

void LikeFeed::Unsubscribe(const std::string& socket_id, const std::string& stream_id) {
  std::lock_guard lock(mutex_);
  auto it = subscribers_.find(socket_id);
  if (rooms_.Leave(socket_id, RoomOf(stream_id)) && it != subscribers_.end())
    NotifyMembership(it->second.socket->nsp(), stream_id, false);
  ForgetTotalIfEmpty(stream_id);
  if (it == subscribers_.end()) return;
  it->second.awaiting_confirmation.erase(stream_id);
  it->second.held.erase(stream_id);
  if (rooms_.RoomsOf(socket_id).empty() && it->second.awaiting_confirmation.empty())
    subscribers_.erase(it);
}

void LikeFeed::Remove(const std::string& socket_id) {
  std::lock_guard lock(mutex_);
  dashboards_.erase(socket_id);
  const Rooms::NameSet rooms = rooms_.RoomsOf(socket_id);  // a copy: LeaveAll changes it
  rooms_.LeaveAll(socket_id);
  const auto subscriber = subscribers_.find(socket_id);
  for (const std::string& room : rooms) {
    const std::string stream_id = room.substr(kRoomPrefix.size());
    if (subscriber != subscribers_.end())
      NotifyMembership(subscriber->second.socket->nsp(), stream_id, false);
    ForgetTotalIfEmpty(stream_id);
  }
  if (subscriber != subscribers_.end()) subscribers_.erase(subscriber);
}

void LikeFeed::ForgetTotalIfEmpty(const std::string& stream_id) {
  if (rooms_.Members(RoomOf(stream_id)).empty()) known_totals_.erase(stream_id);
}

void LikeFeed::Publish(const std::vector<StreamTotal>& totals) {
  std::lock_guard lock(mutex_);
  if (!dashboards_.empty()) {
    auto update = std::make_shared<StatsUpdate>(totals);
    SioBroadcast stats(update->Encode(), update);
    for (auto& [id, dashboard] : dashboards_) {
      if (!dashboard.awaiting_snapshot) {
        stats.Add(dashboard.socket);
      } else {
        for (const StreamTotal& total : totals) HoldTotal(dashboard.held, total);
      }
    }
    stats.Send();
  }
  for (const StreamTotal& total : totals) {
    if (rooms_.Members(RoomOf(total.stream_id)).empty()) continue;
    int64_t& known = known_totals_[total.stream_id];
    known = std::max(known, total.likes);
    SendToSubscribers(total);
  }
}

std::vector<std::string> LikeFeed::SubscribedStreams() {
  std::lock_guard lock(mutex_);
  std::unordered_set<std::string> streams;
  for (const auto& [socket_id, subscriber] : subscribers_) {
    for (const std::string& room : rooms_.RoomsOf(socket_id))
      streams.insert(room.substr(kRoomPrefix.size()));
  }
  return {streams.begin(), streams.end()};
}

void LikeFeed::RefreshTotal(const StreamTotal& total) {
  std::lock_guard lock(mutex_);
  if (rooms_.Members(RoomOf(total.stream_id)).empty()) return;  // everybody left meanwhile
  int64_t& known = known_totals_[total.stream_id];
  known = std::max(known, total.likes);
  SendToSubscribers({total.stream_id, known});
}

void LikeFeed::SendToSubscribers(const StreamTotal& total) {
  std::map<std::string, SioBroadcast, std::less<>> like_count;  // one per namespace
  for (const std::string& member : rooms_.Members(RoomOf(total.stream_id))) {
    Subscriber& subscriber = subscribers_.at(member);
    if (subscriber.awaiting_confirmation.contains(total.stream_id)) {
      HoldTotal(subscriber.held, total);
      continue;
    }
    const std::string& nsp = subscriber.socket->nsp();
    auto broadcast = like_count.find(nsp);
    if (broadcast == like_count.end()) {
      auto update = std::make_shared<LikeCountUpdate>(nsp, total);
      broadcast = like_count.try_emplace(nsp, update->Encode(), std::move(update)).first;
    }
    broadcast->second.Add(subscriber.socket);
  }
  for (auto& [nsp, broadcast] : like_count) broadcast.Send();
}

void LikeFeed::PublishViewers(const std::vector<ViewerCount>& changed,
                              const std::vector<ViewerCount>& joined, int64_t total) {
  std::lock_guard lock(mutex_);
  if (!changed.empty() && !dashboards_.empty()) {
    auto update = std::make_shared<ViewerCountsUpdate>(changed, total);
    SioBroadcast counts(update->Encode(), update);
    for (auto& [id, dashboard] : dashboards_) counts.Add(dashboard.socket);
    counts.Send();
  }
  size_t next_joined = 0;
  for (const ViewerCount& count : changed) {
    while (next_joined < joined.size() && joined[next_joined].stream_id < count.stream_id)
      SendViewerCount(joined[next_joined++]);
    if (next_joined < joined.size() && joined[next_joined].stream_id == count.stream_id)
      ++next_joined;  // sent below, once
    SendViewerCount(count);
  }
  while (next_joined < joined.size()) SendViewerCount(joined[next_joined++]);
}

void LikeFeed::PublishToDashboards(SioEncodedPacket packet) {
  std::lock_guard lock(mutex_);
  if (dashboards_.empty()) return;
  auto update = std::make_shared<LatestDashboardEvent>(packet);
  SioBroadcast broadcast(std::move(packet), std::move(update));
  for (auto& [id, dashboard] : dashboards_) broadcast.Add(dashboard.socket);
  broadcast.Send();
}

void LikeFeed::SendViewerCount(const ViewerCount& count) {
  const Rooms::NameSet& members = rooms_.Members(RoomOf(count.stream_id));
  if (members.empty()) return;
  std::map<std::string, SioBroadcast, std::less<>> viewer_count;  // one per namespace
  for (const std::string& member : members) {
    const auto subscriber = subscribers_.find(member);
    if (subscriber == subscribers_.end()) continue;
    const std::string& nsp = subscriber->second.socket->nsp();
    auto broadcast = viewer_count.find(nsp);
    if (broadcast == viewer_count.end()) {
      auto update = std::make_shared<ViewerCountUpdate>(nsp, count);
      broadcast = viewer_count.try_emplace(nsp, update->Encode(), std::move(update)).first;
    }
    broadcast->second.Add(subscriber->second.socket);
  }
  for (auto& [nsp, broadcast] : viewer_count) broadcast.Send();
}

}  // namespace la
