// The last step of a graceful shutdown: wait until what is open has closed
// (connections, sessions), at most a grace period, then go on. Shared by the
// HTTP server and the Engine.IO server. Thread-safety: `drained` is called on
// `io`'s threads and must be safe there; `done` runs once, on one of them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace la::async {

// Checks `drained` every 20 ms on `io`, and calls `done` once it returns true
// or `grace` has passed. Returns at once; `io` must run until `done`.
void CallWhenDrained(boost::asio::io_context& io, std::function<bool()> drained,
                     std::chrono::milliseconds grace, std::function<void()> done);

}  // namespace la::async
