// Delivers like totals to Socket.IO clients: `statsUpdate` to the admin dashboards on
// namespace "/", and `likeCount` to the sockets subscribed to a stream (room
// "stream:<id>", in "/live" or "/"). Each update from Redis is encoded once per event and
// namespace and the same bytes go to every socket. It delivers viewer counts the same way
// (`viewerCounts` to dashboards, `viewerCount` to a stream's room), and tells a membership
// listener when a socket joins or leaves a stream's room (the viewers, docs/viewers.md).
//
// A subscribe costs at most one MongoDB read per socket and stream: a socket that
// subscribes again to a stream it holds is answered from the last total the feed knows
// (no I/O), and one whose read is still in flight gets its ack with that read's answer.
//
// A dashboard's snapshot and a subscriber's first total are read from MongoDB while
// updates keep coming. Until that read is answered, the updates meant for the socket are
// held and folded into the answer (FoldHeldTotals), so a dashboard's first statsUpdate is
// its snapshot and no total a client sees goes down.
//
// Thread-safe: the Redis thread publishes, the sockets' strands and the blocking pool
// add, answer and remove. The packets for one socket are sent in the order of the calls.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/realtime/stream_updates.h"
#include "core/status.h"
#include "core/viewers/viewer_counts.h"
#include "socketio/protocol/rooms.h"
#include "socketio/sio_socket.h"

namespace la {

// What Subscribe did.
enum class SubscribeOutcome {
  kRead,      // joined: read the total, then call ConfirmSubscription
  kAnswered,  // already subscribed, total known: acknowledged here, no read needed
  kDeferred,  // a read for this stream is in flight: its ConfirmSubscription acks this too
  kRefused,   // too many subscriptions or reads in flight; nothing changed (see `refusal`)
};
struct SubscribeResult {
  SubscribeOutcome outcome = SubscribeOutcome::kRead;
  std::string refusal;  // for kRefused: why, for the client
};

class LikeFeed {
 public:
  // Called under the feed's lock when a socket of namespace `nsp` joins (`joined`) or
  // leaves the room of `stream_id`: once per socket and stream, whatever the reason it
  // left (unsubscribe, disconnect). Must not call back into the feed.
  using MembershipListener =
      std::function<void(std::string_view nsp, const std::string& stream_id, bool joined)>;

  // Set before serving.
  void SetMembershipListener(MembershipListener listener) { membership_ = std::move(listener); }

  // A socket may be subscribed to this many streams at once.
  static constexpr size_t kMaxSubscriptionsPerSocket = 100;
  // Acks of repeated subscribes that may wait for one read.
  static constexpr size_t kMaxDeferredAcks = 16;

  // Dashboards. AddDashboard before reading the snapshot: updates are held from then on.
  void AddDashboard(std::shared_ptr<SioSocket> socket);
  // Sends the dashboard its snapshot (statsUpdate) with the held totals folded in; then
  // it gets every update. A dashboard that has left meanwhile is skipped.
  void SendSnapshot(const std::string& socket_id, std::vector<StreamTotal> snapshot);

  // After a Redis (re)subscription: updates published while the api node was
  // not subscribed are lost, so every dashboard that has its snapshot holds updates again
  // and is returned, to be sent a fresh snapshot (SendSnapshot) read after this call.
  // Dashboards still waiting for their first snapshot are left to it.
  std::vector<std::string> HoldDashboardsForNewSnapshot();

  // After a Redis (re)subscription, for the subscribers: the streams some socket is
  // subscribed to, each to be read once (not once per socket) and handed to RefreshTotal.
  std::vector<std::string> SubscribedStreams();
  // Sends every subscriber of `total`'s stream a likeCount with that total, raised to the
  // highest one the feed has seen (so that no total a client sees goes down); a subscriber
  // still waiting for its own read holds it instead.
  void RefreshTotal(const StreamTotal& total);

  // Subscriptions. Subscribe joins room stream:<id> and holds that stream's updates for
  // the socket until ConfirmSubscription (kRead). A socket may have at most
  // `max_reads_in_flight` reads awaiting confirmation.
  SubscribeResult Subscribe(const std::shared_ptr<SioSocket>& socket, const std::string& stream_id,
                            std::optional<uint64_t> ack_id, size_t max_reads_in_flight);
  // Answers the subscribe event (ack {streamId, likes}, if the client asked for one, and
  // the deferred acks) with the total read, raised to any held total; a failed read is
  // acknowledged with {streamId, error} and the held total, if any, follows as a likeCount.
  void ConfirmSubscription(const std::shared_ptr<SioSocket>& socket, const std::string& stream_id,
                           const Result<int64_t>& likes, std::optional<uint64_t> ack_id);
  // True while `socket_id` still waits for the read of `stream_id` (it did not leave).
  bool AwaitsConfirmation(const std::string& socket_id, const std::string& stream_id);
  // True while the dashboard `socket_id` still waits for its snapshot.
  bool AwaitsSnapshot(const std::string& socket_id);
  void Unsubscribe(const std::string& socket_id, const std::string& stream_id);

  // Forgets a socket that disconnected.
  void Remove(const std::string& socket_id);

  // Delivers the totals of one `stream-updates` message.
  void Publish(const std::vector<StreamTotal>& totals);

  // Sends `packet` (of namespace "/") to every dashboard; a newer one replaces one still
  // waiting for a slow dashboard. For one event whose newest value is all that matters
  // (clusterTotals): every packet sent this way replaces any other waiting.
  void PublishToDashboards(SioEncodedPacket packet);

  // Delivers viewer counts: `viewerCounts` {total, streams: changed} to every dashboard,
  // and `viewerCount` {streamId, viewers} to the room of each stream in `changed` and of
  // each stream in `joined` (a new member is owed the count even if it did not change).
  void PublishViewers(const std::vector<ViewerCount>& changed,
                      const std::vector<ViewerCount>& joined, int64_t total);

 private:
  struct Dashboard {
    std::shared_ptr<SioSocket> socket;
    bool awaiting_snapshot = true;
    HeldTotals held;
  };
  struct Subscriber {
    std::shared_ptr<SioSocket> socket;
    // Stream ids whose read is in flight -> the acks of repeated subscribes waiting for it.
    std::unordered_map<std::string, std::vector<uint64_t>> awaiting_confirmation;
    HeldTotals held;
  };

  // Forgets the known total of a room nobody is in any more.
  void ForgetTotalIfEmpty(const std::string& stream_id);
  // Sends `total` as likeCount to the subscribers of its stream, once encoded per namespace
  // (held for those whose own read is in flight). Under mutex_.
  void SendToSubscribers(const StreamTotal& total);
  // Sends `viewerCount` to the members of one stream's room.
  void SendViewerCount(const ViewerCount& count);
  void NotifyMembership(std::string_view nsp, const std::string& stream_id, bool joined) {
    if (membership_) membership_(nsp, stream_id, joined);
  }

  MembershipListener membership_;

  std::mutex mutex_;
  std::unordered_map<std::string, Dashboard> dashboards_;    // by socket id
  std::unordered_map<std::string, Subscriber> subscribers_;  // by socket id
  Rooms rooms_;                                              // "stream:<id>" -> socket ids
  // The highest total seen (read or published) of each stream some socket is subscribed to.
  std::unordered_map<std::string, int64_t> known_totals_;
};

}  // namespace la
