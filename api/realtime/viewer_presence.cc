#include "api/realtime/viewer_presence.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <limits>

#include "socketio/sio_socket.h"

namespace la {
namespace {

// Takes or renews the history writer's lease: 1 when this node holds it afterwards.
constexpr const char* kLeaseScript =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
    "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end "
    "return 0";
constexpr const char* kHistoryLeaseKey = "viewers:history-writer";

}  // namespace

ViewerPresence::ViewerPresence(const RedisAddress& redis, LikeFeed& feed,
                               ViewerPresenceOptions options)
    : feed_(feed),
      options_(std::move(options)),
      redis_(redis, std::chrono::milliseconds(2000)),
      cluster_(options_.node_id, options_.node_ttl.count()) {
  thread_ = std::thread([this] { Run(); });
  // Named, so that a bench can read this thread's CPU time (/proc/<pid>/task/*/comm).
  pthread_setname_np(thread_.native_handle(), "la-presence");
  subscriber_ = std::make_unique<RedisSubscriber>(
      redis, kViewerUpdatesChannel, [this](const std::string& message) { OnMessage(message); },
      [this] {
        // Reports published while this node was not listening are lost: re-read every node.
        std::lock_guard lock(cluster_mutex_);
        resync_all_ = true;
      });
}

ViewerPresence::~ViewerPresence() {
  subscriber_.reset();
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int64_t ViewerPresence::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ViewerPresence::OnMembership(std::string_view nsp, const std::string& stream_id, bool joined) {
  if (nsp != "/live") return;
  std::lock_guard lock(local_mutex_);
  if (joined) {
    local_.Join(stream_id);
  } else if (!local_.Leave(stream_id)) {
    spdlog::error("viewers: a socket left {} which has no viewer on this node; ignored", stream_id);
  }
}

void ViewerPresence::SendSnapshot(const std::shared_ptr<SioSocket>& socket, size_t limit) {
  std::lock_guard lock(cluster_mutex_);
  nlohmann::json streams = nlohmann::json::array();
  for (const ViewerCount& count : cluster_.Top(limit))
    streams.push_back({{"streamId", count.stream_id}, {"viewers", count.viewers}});
  socket->SendEncoded(EncodeEventPacket(
      "/", "viewerCounts",
      {{{"total", cluster_.Total()}, {"streams", std::move(streams)}, {"snapshot", true}}}));
}

int64_t ViewerPresence::Viewers(const std::string& stream_id) {
  std::lock_guard lock(cluster_mutex_);
  return cluster_.Viewers(stream_id);
}

int64_t ViewerPresence::Total() {
  std::lock_guard lock(cluster_mutex_);
  return cluster_.Total();
}

std::vector<ViewerCount> ViewerPresence::Top(size_t limit) {
  std::lock_guard lock(cluster_mutex_);
  return cluster_.Top(limit);
}

int64_t ViewerPresence::CurrentMinuteMax(const std::string& stream_id) {
  std::lock_guard lock(cluster_mutex_);
  return minutes_.CurrentMax(stream_id);
}

size_t ViewerPresence::other_nodes() {
  std::lock_guard lock(cluster_mutex_);
  return cluster_.Nodes().size();
}

void ViewerPresence::Run() {
  std::unique_lock lock(wake_mutex_);
  while (!stopping_) {
    lock.unlock();
    Tick();
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
  lock.unlock();
  // Goodbye: an empty full report takes this node's viewers out at once (the sockets are
  // closed by now); if it does not reach Redis, the other nodes drop them after node_ttl.
  {
    std::lock_guard local(local_mutex_);
    local_ = LocalViewerCounts();
  }
  report_full_ = true;
  Report(NowMs());
}

void ViewerPresence::Tick() {
  const int64_t now_ms = NowMs();
  Report(now_ms);
  Resync(now_ms);
  RenewLease();
  std::vector<std::string> joined;
  {
    std::lock_guard lock(local_mutex_);
    joined = local_.TakeJoined();
  }
  std::optional<MinuteOfViewers> finished;
  {
    std::lock_guard lock(cluster_mutex_);
    for (const std::string& node : cluster_.ExpireSilent(now_ms)) {
      spdlog::warn(
          "viewers: api node {} was not heard from for {} ms; its viewers are no longer "
          "counted",
          node, options_.node_ttl.count());
    }
    const std::vector<ViewerCount> changed = cluster_.TakeChangedSums();
    std::vector<ViewerCount> joined_counts;
    joined_counts.reserve(joined.size());
    for (const std::string& stream_id : joined)
      joined_counts.push_back({stream_id, cluster_.Viewers(stream_id)});
    if (minutes_.NeedsRoll(now_ms)) {
      finished = minutes_.Roll(now_ms, cluster_.Top(std::numeric_limits<size_t>::max()));
    }
    minutes_.Observe(changed);
    if (!changed.empty() || !joined_counts.empty())
      feed_.PublishViewers(changed, joined_counts, cluster_.Total());
  }
  if (finished && !finished->maxima.empty() && lease_held_ && options_.write_minute)
    options_.write_minute(*finished);
}

bool ViewerPresence::Report(int64_t now_ms) {
  ViewerReport report{options_.node_id, ++seq_, report_full_, {}};
  {
    std::lock_guard lock(local_mutex_);
    report.counts = report.full ? local_.TakeAll() : local_.TakeChanges();
  }
  {
    std::lock_guard lock(cluster_mutex_);
    cluster_.ApplyOwn(report.counts, report.full);
  }
  const std::string key = ViewerNodeKey(options_.node_id);
  const std::string ttl = std::to_string(options_.node_ttl.count());
  // HGET first: if the hash does not hold the last stored report (Redis restarted empty,
  // or the key expired), this delta lands on nothing and the next report must be full.
  std::vector<RedisCommand> commands = {{"MULTI"}, {"HGET", key, kViewerSeqField}};
  if (report.full) commands.push_back({"DEL", key});
  RedisCommand set = {"HSET", key, kViewerSeqField, std::to_string(report.seq)};
  RedisCommand removed = {"HDEL", key};
  for (const ViewerCount& count : report.counts) {
    if (count.viewers > 0) {
      set.push_back(count.stream_id);
      set.push_back(std::to_string(count.viewers));
    } else {
      removed.push_back(count.stream_id);
    }
  }
  commands.push_back(std::move(set));
  if (removed.size() > 2) commands.push_back(std::move(removed));
  commands.push_back({"PEXPIRE", key, ttl});
  commands.push_back({"ZADD", kViewerNodesKey, std::to_string(now_ms), options_.node_id});
  commands.push_back({"ZREMRANGEBYSCORE", kViewerNodesKey, "-inf",
                      "(" + std::to_string(now_ms - options_.node_ttl.count())});
  commands.push_back({"PEXPIRE", kViewerNodesKey, ttl});
  commands.push_back({"PUBLISH", kViewerUpdatesChannel, EncodeViewerReport(report)});
  commands.push_back({"EXEC"});
  Result<std::vector<RedisReply>> replies = redis_.Pipeline(commands);
  const bool ok =
      replies.ok() && !replies->empty() && replies->back().type == RedisReply::Type::kArray;
  if (!ok) {
    if (reporting_ || seq_ == 1) {
      spdlog::warn(
          "viewers: reporting this node's counts to Redis {} failed ({}); retrying every "
          "{} ms with the full counts",
          redis_.Endpoint(),
          replies.ok() ? (replies->empty() ? "no reply" : replies->back().text)
                       : replies.status().message(),
          options_.interval.count());
    }
    report_full_ = true;
    reporting_ = false;
    return false;
  }
  if (!reporting_ && seq_ > 1) spdlog::info("viewers: reporting to Redis again");
  const RedisReply& stored = replies->back().elements.front();  // the HGET
  const bool hash_intact = stored.text == std::to_string(last_stored_seq_);
  if (!report.full && !hash_intact) {
    spdlog::warn(
        "viewers: this node's counts were missing from Redis (restarted, or the key "
        "expired); the next report carries every count");
  }
  report_full_ = !report.full && !hash_intact;
  last_stored_seq_ = report.seq;
  reporting_ = true;
  return true;
}

void ViewerPresence::Resync(int64_t now_ms) {
  std::set<std::string> nodes;
  bool all = false;
  {
    std::lock_guard lock(cluster_mutex_);
    all = resync_all_;
    nodes.swap(resync_nodes_);
    resync_all_ = false;
  }
  if (!all && nodes.empty()) return;
  const auto retry_later = [&] {
    std::lock_guard lock(cluster_mutex_);
    resync_all_ = resync_all_ || all;
    resync_nodes_.insert(nodes.begin(), nodes.end());
  };
  if (all) {
    Result<RedisReply> listed =
        redis_.Command({"ZRANGEBYSCORE", kViewerNodesKey,
                        std::to_string(now_ms - options_.node_ttl.count()), "+inf"});
    if (!listed.ok()) return retry_later();
    for (const RedisReply& node : listed->elements) {
      if (node.text != options_.node_id && CheckViewerNodeId(node.text).ok())
        nodes.insert(node.text);
    }
  }
  for (const std::string& node : nodes) {
    Result<RedisReply> hash = redis_.Command({"HGETALL", ViewerNodeKey(node)});
    if (!hash.ok()) return retry_later();
    std::vector<std::pair<std::string, std::string>> fields;
    for (size_t i = 0; i + 1 < hash->elements.size(); i += 2)
      fields.emplace_back(hash->elements[i].text, hash->elements[i + 1].text);
    std::lock_guard lock(cluster_mutex_);
    if (fields.empty()) {  // expired or said goodbye
      cluster_.Forget(node);
      continue;
    }
    Result<ViewerReport> report = ViewerReportFromHash(node, fields);
    if (!report.ok()) {
      spdlog::warn("viewers: ignoring node {}: {}", node, report.status().message());
      continue;
    }
    cluster_.Apply(*report, now_ms);
  }
}

void ViewerPresence::RenewLease() {
  Result<RedisReply> renewed =
      redis_.Command({"EVAL", kLeaseScript, "1", kHistoryLeaseKey, options_.node_id,
                      std::to_string(options_.node_ttl.count())});
  const bool held = renewed.ok() && renewed->integer == 1;
  if (held != lease_held_) {
    spdlog::info("viewers: this node {} the writer of viewers over time",
                 held ? "is now" : "is no longer");
  }
  lease_held_ = held;
}

void ViewerPresence::OnMessage(const std::string& message) {
  Result<ViewerReport> report = ParseViewerReport(message);
  if (!report.ok()) {
    spdlog::warn("dropping a Redis viewer-updates message: {} (message: {:.200})",
                 report.status().message(), message);
    return;
  }
  std::lock_guard lock(cluster_mutex_);
  if (cluster_.Apply(*report, NowMs()) == ClusterViewers::Applied::kGap)
    resync_nodes_.insert(report->node);
}

}  // namespace la
