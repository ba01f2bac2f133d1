// The HTTP long-polling transport of an Engine.IO session: a GET is held until packets are
// queued (then answered with all of them in one body), a POST delivers the packets of its
// body. The HTTP handlers call Poll and Push from their connections' strands; the
// transport works on its session's lane.
//
// The reference server's rules: one GET and one POST at a time (a second one is a broken
// or hostile client: the session ends); a malformed body, or one of more than
// EioOptions::max_packets_per_payload packets, ends it too. How long a GET may be held is
// the heartbeat's to bound (the session pings within ping_interval).
//
// Lifetime: the session owns it; the server's registry keeps it to route requests; it
// sees the session only as a TransportSink (weakly), and the queue it shares with it.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "socketio/eio_options.h"
#include "socketio/internal/outgoing_queue.h"
#include "socketio/internal/transport.h"

namespace la {

// What a polling request gets back: the body of a 200 answer, or an error to send.
using PollResult = std::variant<std::string, EioErrorCode>;

class PollingTransport : public SessionTransport,
                         public std::enable_shared_from_this<PollingTransport> {
 public:
  PollingTransport(EioLane lane, const EioOptions& options, std::weak_ptr<TransportSink> sink,
                   std::shared_ptr<OutgoingQueue> outgoing);

  // A GET: completes when there is something to send. Thread-safe.
  boost::asio::awaitable<PollResult> Poll();
  // A POST: delivers the packets of `body`. Thread-safe.
  boost::asio::awaitable<PollResult> Push(std::string body);

  void Flush() override;
  void SetPaused(bool paused) override;
  void Retire() override;
  void Abort() override;

 private:
  enum class State {
    kActive,
    kRetired,  // the session upgraded: requests are refused (400)
    kClosed,   // the session ended: requests find no session
  };
  using Reply = std::function<void(PollResult)>;

  void StartPoll(Reply reply);
  PollResult HandlePush(const std::string& body);
  // Answers the held GET with everything queued, if both exist.
  void FlushPoll();
  // While paused, answers the held GET 100 ms from now if nothing was queued meanwhile.
  void AnswerPollWhilePaused();
  void ReplyToPoll(PollResult result);
  // The session ended this transport's use for `reason` (a protocol error).
  void Fail(const std::string& reason);

  const EioLane lane_;
  const EioOptions& options_;
  const std::weak_ptr<TransportSink> sink_;
  const std::shared_ptr<OutgoingQueue> outgoing_;
  State state_ = State::kActive;
  bool paused_ = false;
  Reply held_poll_;  // the GET waiting for packets
  bool flush_posted_ = false;
  std::atomic<bool> push_in_flight_{false};               // set from HTTP threads: concurrent POSTs
  std::optional<boost::asio::steady_timer> pause_timer_;  // a GET held while paused
};

}  // namespace la
