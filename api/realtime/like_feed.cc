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

// Conflation for dashboards and subscribers that cannot keep up (issue 11): a statsUpdate
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

// Viewer counts go up and down, so the newest count of a stream is the one to keep: a
// waiting viewerCounts takes in a newer one stream by stream (and its total), a waiting
// viewerCount a newer one of the same stream.
const SioConflation& ViewerCountsConflation() {
  static const SioConflation conflation(
      [](const nlohmann::json& waiting,
         const nlohmann::json& update) -> std::optional<nlohmann::json> {
        if (waiting.size() != 1 || update.size() != 1 || !waiting[0].is_object() ||
            !update[0].is_object() || !waiting[0].contains("streams") ||
            !update[0].contains("streams"))
          return std::nullopt;
        std::map<std::string, nlohmann::json> streams;
        for (const auto* counts : {&waiting[0]["streams"], &update[0]["streams"]}) {
          for (const nlohmann::json& count : *counts) {
            if (count.is_object() && count.contains("streamId") && count["streamId"].is_string())
              streams[count["streamId"].get<std::string>()] = count;
          }
        }
        nlohmann::json merged = update[0];
        // A waiting snapshot stays one: the client replaces its counts with the union.
        if (waiting[0].value("snapshot", false)) merged["snapshot"] = true;
        merged["streams"] = nlohmann::json::array();
        for (auto& [id, count] : streams) merged["streams"].push_back(std::move(count));
        return nlohmann::json::array({std::move(merged)});
      });
  return conflation;
}

const SioConflation& ViewerCountConflation() {
  static const SioConflation conflation(
      [](const nlohmann::json& waiting,
         const nlohmann::json& update) -> std::optional<nlohmann::json> {
        if (waiting.size() != 1 || update.size() != 1 || !waiting[0].is_object() ||
            !update[0].is_object() ||
            waiting[0].value("streamId", "") != update[0].value("streamId", ""))
          return std::nullopt;
        return update;
      });
  return conflation;
}

nlohmann::json ViewerCountJson(const ViewerCount& count) {
  return {{"streamId", count.stream_id}, {"viewers", count.viewers}};
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

void LikeFeed::PublishViewers(const std::vector<ViewerCount>& changed,
                              const std::vector<ViewerCount>& joined, int64_t total) {
  std::lock_guard lock(mutex_);
  if (!changed.empty() && !dashboards_.empty()) {
    nlohmann::json streams = nlohmann::json::array();
    for (const ViewerCount& count : changed) streams.push_back(ViewerCountJson(count));
    SioBroadcast counts(EncodeEventPacket("/", "viewerCounts",
                                          {{{"total", total}, {"streams", std::move(streams)}}}),
                        &ViewerCountsConflation());
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
  static const SioConflation newest_wins(
      [](const nlohmann::json&, const nlohmann::json& update) -> std::optional<nlohmann::json> {
        return update;
      });
  std::lock_guard lock(mutex_);
  if (dashboards_.empty()) return;
  SioBroadcast broadcast(std::move(packet), &newest_wins);
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
      broadcast =
          viewer_count
              .try_emplace(nsp, EncodeEventPacket(nsp, "viewerCount", {ViewerCountJson(count)}),
                           &ViewerCountConflation())
              .first;
    }
    broadcast->second.Add(subscriber->second.socket);
  }
  for (auto& [nsp, broadcast] : viewer_count) broadcast.Send();
}

}  // namespace la
