// Bridges callback-style work that completes on another thread (a thread pool,
// librdkafka's delivery thread) into coroutines: the coroutine suspends, and
// resumes on its own executor with the result. The I/O threads never block.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace la::http {

// Calls `start(done)` when awaited; the coroutine resumes when `done(value)` is
// called, from any thread, exactly once. `start` is kept by value: it runs after
// this function has returned.
template <typename T, typename Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  auto initiate = [start = std::move(start)](auto handler) mutable {
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    std::function<void(T)> done = [shared](T value) {
      auto executor = boost::asio::get_associated_executor(*shared);
      boost::asio::post(executor, [shared, value = std::move(value)]() mutable { (*shared)(std::move(value)); });
    };
    start(std::move(done));
  };
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(T)>(initiate,
                                                                                   boost::asio::use_awaitable);
}

// Runs blocking `work` (database calls, password hashing) on `pool`; `work` is
// copied. Pass a named callable, not a temporary: g++ 12 mis-destroys class
// temporaries that live in a co_await expression.
template <typename T, typename Work>
boost::asio::awaitable<T> RunBlocking(boost::asio::thread_pool& pool, const Work& work) {
  return AwaitCallback<T>([&pool, work](std::function<void(T)> done) {
    boost::asio::post(pool, [work, done = std::move(done)] { done(work()); });
  });
}

}  // namespace la::http
