#include "async/drain_wait.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace la::async {

void CallWhenDrained(boost::asio::io_context& io, std::function<bool()> drained,
                     std::chrono::milliseconds grace, std::function<void()> done) {
  boost::asio::co_spawn(
      io,
      [&io, drained = std::move(drained), grace,
       done = std::move(done)]() -> boost::asio::awaitable<void> {
        boost::asio::steady_timer timer(io);
        const auto deadline = std::chrono::steady_clock::now() + grace;
        while (!drained() && std::chrono::steady_clock::now() < deadline) {
          timer.expires_after(std::chrono::milliseconds(20));
          co_await timer.async_wait(boost::asio::use_awaitable);
        }
        done();
      },
      boost::asio::detached);
}

}  // namespace la::async
