#include "api/realtime/live_namespaces.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/realtime/shared_snapshot.h"
#include "core/auth/socket_admission.h"
#include "core/counting/like_event.h"

namespace la {
namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Admits a socket whose auth payload holds a valid token that may take `action`, and
// keeps the token's expiry in socket.data()["exp"].
SioNamespace::Admission TokenAdmission(const ApiContext& api, Action action) {
  return [&api, action](SioSocket& socket) -> std::optional<std::string> {
    auto admission = AdmitSocket(socket.auth(), api.tokens, NowSeconds(), action);
    if (const auto* refusal = std::get_if<SocketRefusal>(&admission)) {
      spdlog::debug("socket.io: refused a client in {}: {}", socket.nsp(), refusal->reason);
      return refusal->message;
    }
    socket.data()["exp"] = std::get<Identity>(admission).expires_at_s;
    return std::nullopt;
  };
}

// A token that expires while connected does not keep its socket.
void DisconnectAtExpiry(const std::shared_ptr<SioSocket>& socket) {
  socket->DisconnectAt(std::chrono::system_clock::time_point(
      std::chrono::seconds(socket->data()["exp"].get<int64_t>())));
}

// subscribe(streamId, ack): the ack carries {streamId, likes} or {streamId, error}. A
// subscribe to a stream the socket holds or is confirming does no I/O (LikeFeed); a new
// one reads the total on the bounded read pool, or is acknowledged with an error at once
// when that pool is full. The read is skipped if the socket left meanwhile.
SioNamespace::EventHandler Subscribe(LikeFeed& feed, ApiContext& api) {
  return [&feed, &api](const std::shared_ptr<SioSocket>& socket, const SioEvent& event) {
    const nlohmann::json& args = event.args;
    const bool named = !args.empty() && args[0].is_string();
    const std::string stream_id = named ? args[0].get<std::string>() : "";
    Status valid = named ? CheckStreamId(stream_id)
                         : Status::Error("subscribe needs a streamId string as its first argument");
    SubscribeResult subscribed;
    if (valid.ok()) {
      subscribed = feed.Subscribe(socket, stream_id, event.ack_id,
                                  static_cast<size_t>(api.config.subscribe_reads_per_socket));
      if (subscribed.outcome == SubscribeOutcome::kRefused)
        valid = Status::Error(subscribed.refusal);
    }
    if (!valid.ok()) {
      if (event.ack_id) {
        socket->Acknowledge(
            *event.ack_id, {{{"streamId", named ? args[0] : nullptr}, {"error", valid.message()}}});
      }
      return;
    }
    if (subscribed.outcome != SubscribeOutcome::kRead) return;
    auto read = [&feed, &api, socket, stream_id, ack_id = event.ack_id] {
      if (!feed.AwaitsConfirmation(socket->id(), stream_id)) return;  // left meanwhile
      Result<int64_t> likes = Status::Error("the read failed");
      try {
        likes = api.streams.StreamLikes(stream_id);
      } catch (const std::exception& e) {
        likes = Status::Error(std::string("the read failed: ") + e.what());
      }
      feed.ConfirmSubscription(socket, stream_id, likes, ack_id);
    };
    if (!api.reads.TryPost(read)) {
      feed.ConfirmSubscription(socket, stream_id,
                               Status::Error("the server is busy; subscribe again shortly"),
                               event.ack_id);
    }
  };
}

// unsubscribe(streamId[, ack]): the ack, if asked for, carries {streamId}.
SioNamespace::EventHandler Unsubscribe(LikeFeed& feed) {
  return [&feed](const std::shared_ptr<SioSocket>& socket, const SioEvent& event) {
    if (event.args.empty() || !event.args[0].is_string()) return;
    feed.Unsubscribe(socket->id(), event.args[0].get<std::string>());
    if (event.ack_id) socket->Acknowledge(*event.ack_id, {{{"streamId", event.args[0]}}});
  };
}

// Sends dashboard `id` the next shared snapshot, once read (updates are held meanwhile).
void RequestSnapshot(SharedSnapshot& snapshots, LikeFeed& feed, const std::string& id) {
  snapshots.Request([&feed, id] { return feed.AwaitsSnapshot(id); },
                    [&feed, id](const SharedSnapshot::Snapshot& snapshot) {
                      if (snapshot.ok()) return feed.SendSnapshot(id, *snapshot);
                      // The dashboard still gets a (partial) snapshot, so that live
                      // updates can follow.
                      spdlog::error("socket.io: the snapshot for a dashboard could not be read: {}",
                                    snapshot.status().message());
                      feed.SendSnapshot(id, {});
                    });
}

// After a Redis (re)subscription: every subscriber gets its streams' current totals. One
// job on the read pool reads each subscribed stream once, whatever its number of sockets.
void RefreshSubscribers(LikeFeed& feed, ApiContext& api) {
  std::vector<std::string> streams = feed.SubscribedStreams();
  if (streams.empty()) return;
  spdlog::info("socket.io: reading the totals of {} subscribed streams after a Redis reconnect",
               streams.size());
  auto read = [&feed, &api, streams = std::move(streams)] {
    for (const std::string& stream_id : streams) {
      Result<int64_t> likes = Status::Error("the read failed");
      try {
        likes = api.streams.StreamLikes(stream_id);
      } catch (const std::exception& e) {
        likes = Status::Error(e.what());
      }
      if (!likes.ok()) {
        spdlog::warn(
            "socket.io: the total of stream {} could not be read after a Redis reconnect "
            "({}); its subscribers catch up at its next like",
            stream_id, likes.status().message());
        continue;
      }
      feed.RefreshTotal({stream_id, *likes});
    }
  };
  if (!api.reads.TryPost(read)) {
    spdlog::warn(
        "socket.io: the read pool is full: subscribers get their streams' totals at their "
        "next like, not now after the Redis reconnect");
  }
}

}  // namespace

std::function<void()> AddLiveNamespaces(SioServer& sockets, LikeFeed& feed, ApiContext& api,
                                        ViewerPresence& viewers, ClusterTotalsFeed& totals) {
  SioNamespace& dashboard = sockets.AddNamespace("/");
  dashboard.SetAdmission(TokenAdmission(api, Action::kWatchDashboard));
  auto snapshots = std::make_shared<SharedSnapshot>(
      [&api] { return api.streams.TopStreams(kSnapshotLimit); }, api.reads);
  dashboard.OnConnect(
      [&feed, &viewers, &totals, snapshots](const std::shared_ptr<SioSocket>& socket) {
        DisconnectAtExpiry(socket);
        feed.AddDashboard(socket);  // from here on, updates are held until the snapshot is sent
        RequestSnapshot(*snapshots, feed, socket->id());
        viewers.SendSnapshot(socket, kSnapshotLimit);
        totals.SendTo(socket);
      });

  SioNamespace& live = sockets.AddNamespace("/live");
  live.SetAdmission(TokenAdmission(api, Action::kWatchStream));
  live.OnConnect(DisconnectAtExpiry);

  for (SioNamespace* ns : {&dashboard, &live}) {
    ns->OnDisconnect([&feed](SioSocket& socket, std::string_view) { feed.Remove(socket.id()); });
    ns->On("subscribe", Subscribe(feed, api));
    ns->On("unsubscribe", Unsubscribe(feed));
  }

  // After a Redis reconnect, what was published meanwhile is lost: a fresh snapshot for
  // every dashboard (one shared read), and the current totals for every subscriber.
  return [&feed, &api, snapshots] {
    const std::vector<std::string> dashboards = feed.HoldDashboardsForNewSnapshot();
    if (!dashboards.empty()) {
      spdlog::info("socket.io: sending {} dashboards a fresh snapshot after a Redis reconnect",
                   dashboards.size());
    }
    for (const std::string& id : dashboards) RequestSnapshot(*snapshots, feed, id);
    RefreshSubscribers(feed, api);
  };
}

}  // namespace la
