// Live viewers across the api nodes (docs/viewers.md). A viewer is a "/live" socket
// subscribed to a stream; this node counts its own (LocalViewerCounts, fed by the
// LikeFeed's membership listener) and learns the other nodes' counts from Redis
// (ClusterViewers). Once per `interval` its own thread:
//   1. reports the counts that changed since the last report (all of them after a failed
//      report) in one MULTI/EXEC: the node's hash `viewers:node:<id>` (its counts and
//      `#seq`), the sorted set `viewers:nodes`, both expiring after `node_ttl` unless
//      refreshed, and a PUBLISH on `viewer-updates` that doubles as the heartbeat; a
//      hash found without the last report (Redis restarted empty) makes the next one full;
//   2. drops the nodes it has not heard from for `node_ttl`, and re-reads the full state
//      of the nodes whose reports it missed (after a (re)subscription: every node);
//   3. sends the sums that changed: `viewerCounts` to dashboards, `viewerCount` to the
//      stream's room (conflated: at most once per interval per stream);
//   4. folds them into the minute maxima and, when a minute ends and this node holds the
//      history lease (`viewers:history-writer`, renewed every interval), hands the
//      finished minute to `write_minute` (MongoDB collection `viewers`).
// So Redis sees one transaction per node per interval whatever the churn, with one field
// per stream whose count changed; a node killed with kill -9 stops counting everywhere
// within `node_ttl` + `interval`, and every key it wrote expires.
// Thread-safe: the membership listener runs on socket strands, the reports arrive on the
// subscriber's thread, readers (HTTP handlers) call from anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/redis_client.h"
#include "api/live_viewers.h"
#include "api/realtime/like_feed.h"
#include "core/viewers/cluster_viewers.h"
#include "core/viewers/viewer_counts.h"
#include "core/viewers/viewer_history.h"
#include "socketio/sio_socket.h"

namespace la {

struct ViewerPresenceOptions {
  std::string node_id;  // unique per running api node (CheckViewerNodeId)
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds node_ttl{10000};
  // Called on the presence thread with a finished minute when this node holds the lease.
  std::function<void(const MinuteOfViewers&)> write_minute;
};

class ViewerPresence final : public LiveViewers {
 public:
  // Starts reporting and listening at once (own threads); stops when destroyed, after a
  // last report that takes this node's viewers out of the cluster's counts.
  ViewerPresence(const RedisAddress& redis, LikeFeed& feed, ViewerPresenceOptions options);
  ~ViewerPresence() override;
  ViewerPresence(const ViewerPresence&) = delete;
  ViewerPresence& operator=(const ViewerPresence&) = delete;

  // The LikeFeed's membership listener: counts the sockets of "/live".
  void OnMembership(std::string_view nsp, const std::string& stream_id, bool joined);

  // Sends a dashboard that just connected every stream's count:
  // viewerCounts {total, streams: [...], snapshot: true}.
  void SendSnapshot(const std::shared_ptr<SioSocket>& socket, size_t limit);

  // Cluster-wide, as last summed (at most `interval` old).
  int64_t Viewers(const std::string& stream_id) override;
  int64_t Total() override;
  std::vector<ViewerCount> Top(size_t limit) override;
  int64_t CurrentMinuteMax(const std::string& stream_id) override;

  // The nodes counted besides this one, and whether the last report reached Redis (tests,
  // /metrics).
  size_t other_nodes();
  bool reporting() const { return reporting_; }

 private:
  void Run();
  void Tick();
  // Step 1; false when Redis did not take the report.
  bool Report(int64_t now_ms);
  void Resync(int64_t now_ms);
  void RenewLease();
  void OnMessage(const std::string& message);
  static int64_t NowMs();

  LikeFeed& feed_;
  const ViewerPresenceOptions options_;
  RedisClient redis_;  // the presence thread's

  std::mutex local_mutex_;  // order: feed -> local; never held with cluster_mutex_
  LocalViewerCounts local_;

  std::mutex cluster_mutex_;  // order: cluster -> feed
  ClusterViewers cluster_;
  MinuteMaxima minutes_;
  std::set<std::string> resync_nodes_;
  bool resync_all_ = true;

  uint64_t seq_ = 0;              // presence thread only
  uint64_t last_stored_seq_ = 0;  // presence thread only: of the last report Redis took
  bool report_full_ = true;       // presence thread only: the next report carries every count
  bool lease_held_ = false;       // presence thread only
  std::atomic<bool> reporting_{false};

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::unique_ptr<RedisSubscriber> subscriber_;
};

}  // namespace la
