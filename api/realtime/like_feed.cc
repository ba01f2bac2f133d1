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

// The totals in the arguments of a statsUpdate ([[{streamId, likes}, ...]]), or nullopt.
std::optional<std::vector<StreamTotal>> TotalsOf(const nlohmann::json& args) {
  if (args.size() != 1 || !args[0].is_array()) return std::nullopt;
  std::vector<StreamTotal> totals;
  totals.reserve(args[0].size());
  for (const nlohmann::json& element : args[0]) {
    Result<StreamTotal> total = ParseStreamTotal(element);
    if (!total.ok()) return std::nullopt;
    totals.push_back(std::move(*total));
  }
  return totals;
}

// Conflation for dashboards and subscribers that cannot keep up: a statsUpdate
// still waiting for a slow client takes in the newer one (MergePendingTotals); a waiting
// likeCount takes in a newer one of the same stream. Totals only grow, so the latest
// totals are all such a client needs, and what it sees never goes down.
const SioConflation& StatsUpdateConflation() {
  static const SioConflation conflation(
      [](const nlohmann::json& waiting,
         const nlohmann::json& update) -> std::optional<nlohmann::json> {
        std::optional<std::vector<StreamTotal>> old_totals = TotalsOf(waiting);
        std::optional<std::vector<StreamTotal>> new_totals = TotalsOf(update);
        if (!old_totals || !new_totals) return std::nullopt;
        return nlohmann::json::array(
            {StreamTotalsJson(MergePendingTotals(std::move(*old_totals), *new_totals))});
      });
  return conflation;
}

const SioConflation& LikeCountConflation() {
  static const SioConflation conflation(
      [](const nlohmann::json& waiting,
         const nlohmann::json& update) -> std::optional<nlohmann::json> {
        if (waiting.size() != 1 || update.size() != 1) return std::nullopt;
        Result<StreamTotal> old_total = ParseStreamTotal(waiting[0]);
        Result<StreamTotal> new_total = ParseStreamTotal(update[0]);
        if (!old_total.ok() || !new_total.ok() || old_total->stream_id != new_total->stream_id)
          return std::nullopt;
        return nlohmann::json::array({StreamTotalJson(
            {new_total->stream_id, std::max(old_total->likes, new_total->likes)})});
      });
  return conflation;
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
  rooms_.Join(socket->id(), room);
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
  rooms_.Leave(socket_id, RoomOf(stream_id));
  ForgetTotalIfEmpty(stream_id);
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
  const Rooms::NameSet rooms = rooms_.RoomsOf(socket_id);  // a copy: LeaveAll changes it
  rooms_.LeaveAll(socket_id);
  for (const std::string& room : rooms) ForgetTotalIfEmpty(room.substr(kRoomPrefix.size()));
}

void LikeFeed::ForgetTotalIfEmpty(const std::string& stream_id) {
  if (rooms_.Members(RoomOf(stream_id)).empty()) known_totals_.erase(stream_id);
}

void LikeFeed::Publish(const std::vector<StreamTotal>& totals) {
  std::lock_guard lock(mutex_);
  if (!dashboards_.empty()) {
    SioBroadcast stats(EncodeStatsUpdate(totals), &StatsUpdateConflation());
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
    const Rooms::NameSet& members = rooms_.Members(RoomOf(total.stream_id));
    if (members.empty()) continue;
    int64_t& known = known_totals_[total.stream_id];
    known = std::max(known, total.likes);
    std::map<std::string, SioBroadcast, std::less<>> like_count;  // one per namespace
    for (const std::string& member : members) {
      Subscriber& subscriber = subscribers_.at(member);
      if (subscriber.awaiting_confirmation.contains(total.stream_id)) {
        HoldTotal(subscriber.held, total);
        continue;
      }
      const std::string& nsp = subscriber.socket->nsp();
      auto broadcast = like_count.find(nsp);
      if (broadcast == like_count.end()) {
        broadcast =
            like_count.try_emplace(nsp, EncodeLikeCount(nsp, total), &LikeCountConflation()).first;
      }
      broadcast->second.Add(subscriber.socket);
    }
    for (auto& [nsp, broadcast] : like_count) broadcast.Send();
  }
}

}  // namespace la
