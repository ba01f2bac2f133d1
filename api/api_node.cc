#include "api/api_node.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>

#include "api/adapters/mongo_viewer_history.h"
#include "api/event_id.h"
#include "api/handlers/handlers.h"
#include "api/realtime/live_namespaces.h"
#include "async/sleep_unless_stopped.h"
#include "core/retry_backoff.h"

namespace la {
namespace {

namespace asio = boost::asio;
using verb = http::beast_http::verb;

// GET /ready requests that may wait for a running dependency check; more get 503 at once.
constexpr size_t kMaxWaitingReadyRequests = 1000;
// The api's clients send a token and short events: every message, body and packet is
// bounded by a few KB, so that no client can make the node hold much (a parsed JSON
// packet takes many times its size).
constexpr size_t kMaxPacketBytes = 4096;

// Creates the users index and the configured admin account, retrying with
// backoff while MongoDB is unreachable; the node serves meanwhile.
void BootstrapAccounts(UserStore& users, const ApiConfig& config,
                       const std::atomic<bool>& stopping) {
  RetryBackoff backoff(std::chrono::milliseconds(200), std::chrono::seconds(5));
  while (!stopping) {
    Status s = users.EnsureIndexes();
    if (s.ok() && !config.admin_email.empty())
      s = users.EnsureAdmin(config.admin_email, config.admin_password);
    if (s.ok()) {
      if (!config.admin_email.empty())
        spdlog::info("admin account {} is ready", config.admin_email);
      return;
    }
    const std::chrono::milliseconds wait = backoff.Failed();
    spdlog::warn("account set-up failed: {}; retrying in {} ms", s.message(), wait.count());
    SleepUnlessStopped(wait, stopping);
  }
}

// Clients authenticate with a token in the CONNECT payload, not with cookies, so pages from
// any origin may connect.
EioOptions EngineOptions(const ApiConfig& config, int threads) {
  EioOptions options;
  options.max_sessions = config.max_sessions;
  options.max_sessions_per_address = config.max_sessions_per_address;
  options.max_held_polls = static_cast<size_t>(config.max_held_polls);
  options.write_timeout = std::chrono::milliseconds(config.write_timeout_ms);
  options.lanes = static_cast<size_t>(threads);  // one broadcast handler per io thread
  options.max_payload = kMaxPacketBytes;
  return options;
}

}  // namespace

Result<std::unique_ptr<Program>> ApiNode::Start(const ApiConfig& config) {
  if (config.dev_mode)
    spdlog::warn(
        "dev mode: a built-in JWT secret may be in use; never run like this in production");
  auto producer = KafkaProducer::Create({.brokers = config.kafka_brokers,
                                         .linger_ms = config.kafka_linger_ms,
                                         .batch_messages = config.kafka_batch_messages,
                                         .delivery_timeout_ms = config.produce_timeout_ms,
                                         .client_id = "la-api-" + std::to_string(config.port),
                                         .compression = config.kafka_compression});
  if (!producer.ok()) return producer.status();
  auto mongo = MongoClient::Create(config.mongo_uri, config.mongo_database);
  if (!mongo.ok()) return mongo.status();
  std::unique_ptr<ApiNode> node(new ApiNode(config, std::move(*producer), std::move(*mongo)));
  if (Status s = node->server_.Listen(config.host, config.port); !s.ok()) return s;
  spdlog::info("api node listening on http://{}:{} with {} threads", config.host,
               node->server_.port(), node->threads_);
  node->bridge_.emplace(config.redis, node->feed_, node->resnapshot_dashboards_);
  return std::unique_ptr<Program>(std::move(node));
}

ApiNode::ApiNode(const ApiConfig& config, std::unique_ptr<KafkaProducer> producer,
                 std::unique_ptr<MongoClient> mongo)
    : config_(config),
      threads_(config.threads > 0
                   ? config.threads
                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
      producer_(std::move(producer)),
      mongo_(std::move(mongo)),
      users_(*mongo_),
      streams_(*mongo_),
      readiness_(*producer_, *mongo_, config_.redis),
      // Each result reused for a second.
      ready_probe_(readiness_, std::chrono::seconds(1), kMaxWaitingReadyRequests),
      passwords_("password", config_.password_threads, config_.password_queue, &metrics_),
      reads_("read", config_.read_threads, config_.read_queue, &metrics_),
      rate_limits_(config_),
      tokens_(config_.jwt_secret),
      io_(threads_),
      // Delivery reports resume the like requests in batches on io_ (one wake-up per batch).
      events_(*producer_, config_.kafka_topic, io_.get_executor(),
              &metrics_
                   .AddCounter("kafka_delivery_batches_total",
                               "Batches of Kafka delivery reports handed to the io threads, one "
                               "wake-up each (likes per batch = produced likes / batches).")
                   .With()),
      // Live viewers (docs/viewers.md): this node's id is new at every start, so a restarted
      // node never takes over the counts of its previous run (they expire after the TTL).
      viewers_(config_.redis, feed_,
               {.node_id = "api-" + std::to_string(config_.port) + "-" + NewEventId().substr(0, 12),
                .interval = std::chrono::milliseconds(config_.viewer_report_ms),
                .node_ttl = std::chrono::milliseconds(config_.viewer_node_ttl_ms),
                .write_minute =
                    [this](const MinuteOfViewers& minute) {
                      MongoClient* mongo = mongo_.get();
                      if (!reads_.TryPost([mongo, minute] { WriteViewerMinute(*mongo, minute); }))
                        spdlog::warn("viewers: the read pool is full; minute {} not written",
                                     minute.minute);
                    }}),
      api_{
          config_,
          tokens_,
          events_,
          users_,
          streams_,
          ready_probe_,
          passwords_,
          reads_,
          rate_limits_,
          metrics_,
          metrics_.AddCounter("kafka_produce_errors_total", "Likes that Kafka did not acknowledge.")
              .With(),
          viewers_},
      bootstrap_([this] { BootstrapAccounts(users_, config_, stopping_); }),
      router_(metrics_),
      engine_(
          io_, EngineOptions(config_, threads_), "*",
          &metrics_.AddGauge("socketio_sessions", "Open Engine.IO sessions (Socket.IO clients).")
               .With()),
      sockets_(engine_, {.packet_rate = {static_cast<double>(config_.socket_event_rate_per_s),
                                         static_cast<double>(config_.socket_event_burst)},
                         .limits = {.max_connect_bytes = kMaxPacketBytes,
                                    .max_event_bytes = kMaxPacketBytes,
                                    .max_attachment_bytes = kMaxPacketBytes}}),
      cluster_totals_(
          config_.redis, config_.kafka_topic, feed_, [this] { return streams_.PartitionTotals(); },
          reads_),
      resnapshot_dashboards_(AddLiveNamespaces(sockets_, feed_, api_, viewers_, cluster_totals_)),
      server_(
          io_, router_,
          {.max_body_bytes = config_.max_body_bytes,
           .max_connections = static_cast<size_t>(config_.max_connections),
           .max_connections_per_address = static_cast<size_t>(config_.max_connections_per_address),
           .trusted_proxies = *TrustedProxies::Parse(config_.trusted_proxies)}) {
  feed_.SetMembershipListener(
      [this](std::string_view nsp, const std::string& stream_id, bool joined) {
        viewers_.OnMembership(nsp, stream_id, joined);
      });
  AddRoutes();
}

void ApiNode::AddRoutes() {
  router_.Add(verb::get, "/health", handlers::Health());
  router_.Add(verb::get, "/ready", handlers::Ready(api_));
  router_.Add(verb::post, "/auth/register", handlers::Register(api_));
  router_.Add(verb::post, "/auth/login", handlers::Login(api_));
  router_.Add(verb::post, "/engagement/like", handlers::Like(api_));
  router_.Add(verb::get, "/metrics", handlers::Metrics(api_));
  router_.Add(verb::get, "/streams", handlers::TopStreams(api_));
  router_.Add(verb::get, "/totals", handlers::Totals(api_));
  router_.AddPrefix("/streams/", "/streams/{streamId}", handlers::StreamHistory(api_));
  const std::string web_root = config_.web_root.empty() ? "web/dist" : config_.web_root;
  router_.Add(verb::get, "/socket.io/socket.io.js", handlers::StaticFiles(web_root));
  router_.AddPrefix("/admin", "/admin", handlers::StaticFiles(web_root));
  router_.AddPrefix("/socket.io/", "/socket.io/", engine_.PollingHandler(),
                    engine_.options().max_payload);
  router_.SetUpgradeHandler("/socket.io/", engine_.UpgradeHandler());
}

ApiNode::~ApiNode() {
  stopping_ = true;
  if (bootstrap_.joinable()) bootstrap_.join();
}

void ApiNode::Stop(int signal) {
  if (stop_requested_.exchange(true)) return;
  asio::post(io_, [this, signal] {
    spdlog::info("signal {}: closing Socket.IO sessions, then draining connections", signal);
    engine_.Shutdown(std::chrono::seconds(5), [this] {
      server_.Shutdown(std::chrono::seconds(10), [this] { io_.stop(); });
    });
  });
}

int ApiNode::Run() {
  std::vector<std::thread> workers;
  for (int i = 1; i < threads_; ++i) workers.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& t : workers) t.join();

  stopping_ = true;
  bootstrap_.join();
  if (Status s = producer_->Flush(std::chrono::seconds(10)); !s.ok())
    spdlog::error("{}", s.message());
  passwords_.Join();
  reads_.Join();
  // The producer goes while io_ still exists: its destructor fails what Kafka did not take,
  // and those delivery callbacks resume like requests by posting to io_'s strands; io_ is
  // declared after the producer, so it would otherwise be destroyed first.
  producer_.reset();
  spdlog::info("api node stopped");
  return 0;
}

}  // namespace la
