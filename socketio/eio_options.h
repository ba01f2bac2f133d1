// The Engine.IO settings of an EioServer, and the strand type its sessions run on.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>

namespace la {

// A strand shared by many sessions ("lane"): the sessions of a lane never run concurrently,
// so a session and its transports need no locks.
using EioLane = boost::asio::strand<boost::asio::io_context::executor_type>;

// Engine.IO settings; the defaults are the reference server's.
struct EioOptions {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  // The largest polling body or WebSocket message a client may send (bytes).
  size_t max_payload = 1000000;
  // Outgoing bytes a session may have queued; one more disconnects the client.
  size_t max_buffered_bytes = 1 << 20;
  // A probed WebSocket must complete the upgrade ("5") within this time.
  std::chrono::milliseconds upgrade_timeout{10000};
  // Open sessions, in all and per client address; more are refused with 503 (0: no cap).
  size_t max_sessions = 0;
  size_t max_sessions_per_address = 0;
  // Polling GETs in progress (a GET is held until packets arrive, up to ping_interval);
  // more are refused with 503. Keep it below the HTTP server's connection cap, which
  // counts their connections too, so held polls cannot take every connection (0: no cap).
  size_t max_held_polls = 0;
  // A WebSocket write that takes longer ends the session: a client that answers pings but
  // never reads stalls its writes long before its queue fills.
  std::chrono::milliseconds write_timeout{10000};
  // Packets one polling POST may carry; more close the session (400).
  size_t max_packets_per_payload = 1000;
  // Sessions are spread over this many lanes (e.g. one per io thread) instead of one strand
  // each, so that a broadcast is handed to each lane once (SioBroadcast), not posted to
  // every session.
  size_t lanes = 1;
};

}  // namespace la
