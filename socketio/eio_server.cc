#include "socketio/eio_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <vector>

#include "async/drain_wait.h"
#include "socketio/internal/eio_session.h"
#include "socketio/internal/polling_transport.h"
#include "socketio/internal/websocket_transport.h"

namespace la {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using verb = http::beast_http::verb;
using field = http::beast_http::field;

// The query parameter `name`, or nullopt when it is absent or empty (an empty sid is a
// handshake for the reference server too).
std::optional<std::string> Parameter(const std::string& query, const std::string& name) {
  std::string value = http::QueryParameter(query, name);
  if (value.empty()) return std::nullopt;
  return value;
}

// The Engine.IO query parameters of a request, decoded; Info() views them, so a
// ParsedRequest must outlive the check it is used for.
struct ParsedRequest {
  std::optional<std::string> eio, transport, sid;
  EioRequestInfo Info(std::string_view method, bool is_websocket_upgrade) const {
    return {eio, transport, sid, method, is_websocket_upgrade};
  }
};

ParsedRequest ParseQuery(const std::string& query) {
  return {Parameter(query, "EIO"), Parameter(query, "transport"), Parameter(query, "sid")};
}

http::Response ErrorFor(EioErrorCode code) {
  return http::TextResponse(static_cast<http::Status>(EioErrorHttpStatus(code)),
                            EncodeEioErrorBody(code), "application/json");
}

// Moves an accepted connection's socket onto `lane`, so that its WebSocket and the
// session it serves run on one strand. A socket that is already broken comes back closed.
tcp::socket AdoptSocket(beast::tcp_stream stream, const EioLane& lane) {
  tcp::socket original = stream.release_socket();
  tcp::socket adopted(lane);
  boost::system::error_code ec;
  const tcp::endpoint local = original.local_endpoint(ec);
  if (ec) return adopted;
  const tcp::socket::native_handle_type handle = original.release(ec);
  if (!ec) adopted.assign(local.protocol(), handle, ec);
  return adopted;
}

std::vector<EioLane> MakeLanes(asio::io_context& io, size_t count) {
  std::vector<EioLane> lanes;
  for (size_t i = 0; i < std::max<size_t>(count, 1); ++i) lanes.push_back(asio::make_strand(io));
  return lanes;
}

}  // namespace

EioServer::EioServer(asio::io_context& io, EioOptions options, std::string cors_origin,
                     prometheus::Gauge* sessions_gauge)
    : io_(io),
      options_(options),
      cors_origin_(std::move(cors_origin)),
      sessions_gauge_(sessions_gauge),
      caps_(options_.max_sessions, options_.max_sessions_per_address),
      held_polls_(options_.max_held_polls, 0),
      lanes_(MakeLanes(io, options_.lanes)) {}

void EioServer::OnSession(SessionHandler handler) { on_session_ = std::move(handler); }

http::Handler EioServer::PollingHandler() {
  return [this](http::RequestContext& context) { return HandlePolling(context); };
}

http::UpgradeHandler EioServer::UpgradeHandler() {
  return [this](beast::tcp_stream stream, http::Request request, std::string client_ip) {
    HandleUpgrade(std::move(stream), std::move(request), std::move(client_ip));
  };
}

asio::awaitable<http::Response> EioServer::HandlePolling(http::RequestContext& context) {
  const http::Request& request = context.request;
  if (request.method() == verb::options) {
    // CORS preflight: the browser asks before a cross-origin POST.
    http::Response response =
        WithCors(http::TextResponse(http::Status::no_content, "", "text/plain"));
    response.set(field::access_control_allow_methods, "GET, POST, OPTIONS");
    if (auto asked = request.find(field::access_control_request_headers); asked != request.end()) {
      response.set(field::access_control_allow_headers, asked->value());
    }
    response.set(field::access_control_max_age, "86400");
    co_return response;
  }
  const ParsedRequest parsed = ParseQuery(context.query);
  auto checked =
      CheckEioRequest(parsed.Info(request.method_string(), /*is_websocket_upgrade=*/false));
  if (const EioError* error = std::get_if<EioError>(&checked)) {
    spdlog::debug("engine.io request from {} refused: {}", context.client_ip, error->reason);
    co_return WithCors(ErrorFor(error->code));
  }
  const EioRequest& eio = std::get<EioRequest>(checked);
  if (eio.is_handshake()) co_return WithCors(Handshake(context.client_ip));

  Found found = Find(*eio.sid);
  if (!found.session) co_return WithCors(ErrorFor(EioErrorCode::kUnknownSid));
  // A session opened over WebSocket takes no polling requests.
  if (!found.polling) co_return WithCors(ErrorFor(EioErrorCode::kBadRequest));
  const bool is_post = request.method() == verb::post;
  PollResult result;
  if (is_post) {
    result = co_await found.polling->Push(request.body());
  } else {
    // The client polls again after an error, or reconnects; the session is left as it is.
    if (held_polls_.TryAcquire("", /*per_address=*/false) != CapDecision::kAdmitted) {
      http::Response busy =
          http::ErrorResponse(http::Status::service_unavailable,
                              DescribeCapRefusal(CapDecision::kGlobalCapReached,
                                                 "held polling requests", "", held_polls_) +
                                  "; retry later");
      busy.set(field::retry_after, "1");
      co_return WithCors(std::move(busy));
    }
    result = co_await found.polling->Poll();
    held_polls_.Release("", /*per_address=*/false);
  }
  if (const EioErrorCode* code = std::get_if<EioErrorCode>(&result))
    co_return WithCors(ErrorFor(*code));
  co_return WithCors(http::TextResponse(http::Status::ok, std::move(std::get<std::string>(result)),
                                        is_post ? "text/html" : "text/plain; charset=UTF-8"));
}

http::Response EioServer::Handshake(const std::string& client_ip) {
  if (shutting_down_)
    return http::ErrorResponse(http::Status::service_unavailable, "the server is shutting down");
  auto created = NewSession(NextLane(), client_ip);
  if (const std::string* refusal = std::get_if<std::string>(&created)) {
    http::Response busy = http::ErrorResponse(http::Status::service_unavailable, *refusal);
    busy.set(field::retry_after, "5");
    return busy;
  }
  std::shared_ptr<EioSession> session = std::get<std::shared_ptr<EioSession>>(std::move(created));
  std::string open = session->OpenPacket();
  asio::post(session->lane(), [this, session] { session->Start(on_session_(session)); });
  return http::TextResponse(http::Status::ok, std::move(open), "text/plain; charset=UTF-8");
}

void EioServer::HandleUpgrade(beast::tcp_stream stream, http::Request request,
                              std::string client_ip) {
  const std::string target(request.target());
  const size_t query_start = target.find('?');
  const ParsedRequest parsed =
      ParseQuery(query_start == std::string::npos ? "" : target.substr(query_start + 1));
  auto checked =
      CheckEioRequest(parsed.Info(request.method_string(), /*is_websocket_upgrade=*/true));

  std::optional<EioErrorCode> refusal;
  std::shared_ptr<EioSession> session;
  if (const EioError* error = std::get_if<EioError>(&checked)) {
    spdlog::debug("engine.io upgrade refused: {}", error->reason);
    refusal = error->code;
  } else if (const EioRequest& eio = std::get<EioRequest>(checked); !eio.is_handshake()) {
    session = Find(*eio.sid).session;
    if (!session) refusal = EioErrorCode::kUnknownSid;
  } else if (shutting_down_) {
    refusal = EioErrorCode::kBadRequest;
  }
  EioLane lane = session ? session->lane() : NextLane();
  auto websocket =
      std::make_shared<WebSocketTransport>(AdoptSocket(std::move(stream), lane), options_);
  asio::co_spawn(lane,
                 ServeWebSocket(std::move(websocket), std::move(request), std::move(session), lane,
                                refusal, std::move(client_ip)),
                 asio::detached);
}

asio::awaitable<void> EioServer::ServeWebSocket(std::shared_ptr<WebSocketTransport> websocket,
                                                http::Request request,
                                                std::shared_ptr<EioSession> session, EioLane lane,
                                                std::optional<EioErrorCode> refusal,
                                                std::string client_ip) {
  if (refusal) {
    co_await websocket->Refuse(*refusal);
    co_return;
  }
  // A new WebSocket session takes its cap slot before the handshake is answered.
  std::shared_ptr<EioSession> created;
  if (!session) {
    // Registered with its transport, so that a shutdown meanwhile finds it.
    auto made = NewSession(lane, client_ip, websocket);
    if (const std::string* capped = std::get_if<std::string>(&made)) {
      spdlog::debug("engine.io: refused a WebSocket session: {}", *capped);
      http::Response busy = http::ErrorResponse(http::Status::service_unavailable, *capped);
      busy.set(field::retry_after, "5");
      co_await websocket->Refuse(std::move(busy));
      co_return;
    }
    created = std::get<std::shared_ptr<EioSession>>(std::move(made));
  }
  // A session that already upgraded, or is probing another WebSocket, takes no second
  // one: like the reference server, accept it and close it at once.
  const bool superfluous = session && !session->CanUpgrade();
  if (session && !superfluous) session->BeginUpgrade(websocket);
  Status accepted = co_await websocket->Accept(request);
  request = http::Request();  // an upgrade keeps this coroutine through the probe: keep no headers
  if (accepted.ok() && superfluous) {
    co_await websocket->Close();
    co_return;
  }
  if (!accepted.ok()) {
    spdlog::debug("engine.io: {}", accepted.message());
    if (session && !superfluous) session->OnTransportEnded(*websocket, accepted.message());
    if (created) Forget(created->sid());
    co_return;
  }
  if (session) {
    co_await websocket->Upgrade(session, session->outgoing());
    co_return;
  }
  session = std::move(created);
  session->Start(on_session_(session));
  // The transport's callbacks keep it going; this frame ends here.
  websocket->Serve(session, session->outgoing());
}

std::variant<std::shared_ptr<EioSession>, std::string> EioServer::NewSession(
    EioLane lane, const std::string& client_ip, std::shared_ptr<WebSocketTransport> websocket) {
  if (CapDecision cap = caps_.TryAcquire(client_ip); cap != CapDecision::kAdmitted) {
    return DescribeCapRefusal(cap, "Socket.IO sessions", client_ip, caps_) + "; retry later";
  }
  std::lock_guard lock(mutex_);
  std::string sid = NewSessionId();
  while (sessions_.contains(sid)) sid = NewSessionId();
  auto session = std::make_shared<EioSession>(
      lane, sid, websocket ? EioTransport::kWebSocket : EioTransport::kPolling, options_,
      [this](const std::string& ended) { Forget(ended); });
  std::shared_ptr<PollingTransport> polling;
  if (websocket) {
    session->Attach(std::move(websocket));
  } else {
    polling =
        std::make_shared<PollingTransport>(std::move(lane), options_, session, session->outgoing());
    session->Attach(polling);
  }
  sessions_.emplace(std::move(sid), Registered{{session, std::move(polling)}, client_ip});
  if (sessions_gauge_ != nullptr) sessions_gauge_->Set(static_cast<int64_t>(sessions_.size()));
  return session;
}

EioLane EioServer::NextLane() {
  return lanes_[next_lane_.fetch_add(1, std::memory_order_relaxed) % lanes_.size()];
}

EioServer::Found EioServer::Find(const std::string& sid) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(sid);
  return it == sessions_.end() ? Found{} : it->second.found;
}

void EioServer::Forget(const std::string& sid) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return;
  caps_.Release(it->second.client_ip);
  sessions_.erase(it);
  if (sessions_gauge_ != nullptr) sessions_gauge_->Set(static_cast<int64_t>(sessions_.size()));
}

size_t EioServer::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

http::Response EioServer::WithCors(http::Response response) const {
  if (!cors_origin_.empty()) response.set(field::access_control_allow_origin, cors_origin_);
  return response;
}

void EioServer::Shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  shutting_down_ = true;
  std::vector<std::shared_ptr<EioSession>> sessions;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [sid, registered] : sessions_) sessions.push_back(registered.found.session);
  }
  for (const auto& session : sessions) session->Close("the server is shutting down");
  async::CallWhenDrained(
      io_, [this] { return session_count() == 0; }, grace, std::move(done));
}

}  // namespace la
