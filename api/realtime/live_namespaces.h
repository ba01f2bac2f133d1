// The api node's Socket.IO namespaces (docs/socketio-api.md):
//   "/"      admins only. On connect: statsUpdate with a snapshot (the most liked
//            streams, at most kSnapshotLimit, from MongoDB); then a statsUpdate with the
//            new totals of every consumer flush. Also on connect viewerCounts {total,
//            streams, snapshot: true} (the most watched streams) and clusterTotals
//            {likes, streams, partitions}; then viewerCounts {total, streams} with the
//            counts that changed (at most once a second) and clusterTotals whenever the
//            cluster's totals change (docs/viewers.md).
//   "/live"  any valid token. subscribe(streamId, ack) joins room stream:<id> and acks
//            {streamId, likes}; then likeCount {streamId, likes} on every change and
//            viewerCount {streamId, viewers} (at most once a second, when it changed, and
//            once after the subscribe); unsubscribe(streamId) leaves. Admin sockets on "/"
//            may subscribe too (they are not counted as viewers).
// Refusals are the seed's: "Invalid token" (missing, malformed, expired, wrongly signed)
// and "Unauthorized" (a viewer on "/"). A socket is disconnected when its token expires.
#pragma once

#include <functional>

#include "api/api_context.h"
#include "api/realtime/cluster_totals_feed.h"
#include "api/realtime/like_feed.h"
#include "api/realtime/viewer_presence.h"
#include "socketio/sio_server.h"

namespace la {

// Returns what to run after each Redis (re)subscription: every connected dashboard is
// sent a fresh snapshot, and every subscriber its streams' current totals (both read on
// the blocking pool, once for all), so totals published while the node was not
// subscribed reach them without a reload.
std::function<void()> AddLiveNamespaces(SioServer& sockets, LikeFeed& feed, ApiContext& api,
                                        ViewerPresence& viewers, ClusterTotalsFeed& totals);

}  // namespace la
