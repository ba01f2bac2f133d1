// Bridges callback-style work that completes on another thread (a bounded work pool,
// librdkafka's delivery thread) into coroutines: the coroutine suspends, and
// resumes on its own executor with the result. The I/O threads never block.
// Protocol-free: http/refused_response.h answers refused work over HTTP.
#pragma once

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "async/work_pool.h"

namespace la::async {

// Calls `start(done)` when awaited; the coroutine resumes when `done(value)` is
// called, from any thread, exactly once. `start` is kept by value: it runs after
// this function has returned.
template <typename T, typename Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  auto initiate = [start = std::move(start)](auto handler) mutable {
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    std::function<void(T)> done = [shared](T value) {
      auto executor = boost::asio::get_associated_executor(*shared);
      boost::asio::post(
          executor, [shared, value = std::move(value)]() mutable { (*shared)(std::move(value)); });
    };
    start(std::move(done));
  };
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(T)>(
      initiate, boost::asio::use_awaitable);
}

// Why pooled work did not run, or did not finish.
struct WorkRefused {
  enum class Reason {
    kBusy,        // the pool's queue was full: nothing was queued
    kClientGone,  // the client went away before a thread took the work: it never ran
    kFailed,      // the work threw
  };
  Reason reason = Reason::kBusy;
  std::string message;
};
template <typename T>
using Pooled = std::variant<T, WorkRefused>;

// Runs blocking `work` (database calls, password hashing) on `pool`, or refuses at once
// when the pool's queue is full; `work` is skipped if `client_gone` is set by the time a
// thread takes it, and an exception becomes kFailed. `work` is copied. Pass a named
// callable, not a temporary: g++ 12 mis-destroys class temporaries that live in a
// co_await expression.
template <typename T, typename Work>
boost::asio::awaitable<Pooled<T>> RunBlocking(
    WorkPool& pool, const Work& work,
    std::shared_ptr<const std::atomic<bool>> client_gone = nullptr) {
  return AwaitCallback<Pooled<T>>([&pool, work, client_gone](std::function<void(Pooled<T>)> done) {
    auto job = [work, client_gone, done] {
      if (client_gone && client_gone->load()) {
        return done(WorkRefused{WorkRefused::Reason::kClientGone, "the client went away"});
      }
      try {
        done(work());
      } catch (const std::exception& e) {
        done(WorkRefused{WorkRefused::Reason::kFailed, e.what()});
      }
    };
    if (!pool.TryPost(std::move(job))) {
      done(WorkRefused{WorkRefused::Reason::kBusy, "the " + pool.name() + " queue is full (" +
                                                       std::to_string(pool.max_queued()) +
                                                       " jobs)"});
    }
  });
}

}  // namespace la::async
