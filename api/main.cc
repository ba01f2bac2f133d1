// la-api: the api node. HTTP routes (auth, like ingestion, health, metrics,
// dashboard) and the Socket.IO server (live totals relayed from Redis) on one port;
// see docs/http-api.md and docs/socketio-api.md for the contract and --help for settings.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>
#include <vector>

#include "adapters/crash_report.h"
#include "api/adapters/kafka_event_publisher.h"
#include "api/adapters/mongo_stream_reader.h"
#include "api/adapters/mongo_user_store.h"
#include "api/adapters/mongo_viewer_history.h"
#include "api/adapters/server_readiness.h"
#include "api/api_context.h"
#include "api/event_id.h"
#include "api/handlers/handlers.h"
#include "api/realtime/cluster_totals_feed.h"
#include "api/realtime/live_namespaces.h"
#include "api/realtime/stream_updates_bridge.h"
#include "api/realtime/viewer_presence.h"
#include "async/sleep_unless_stopped.h"
#include "core/retry_backoff.h"
#include "http/server.h"
#include "socketio/eio_server.h"
#include "socketio/sio_server.h"

namespace la {
namespace {

namespace asio = boost::asio;
using verb = http::beast_http::verb;

// GET /ready requests that may wait for a running dependency check; more get 503 at once.
constexpr size_t kMaxWaitingReadyRequests = 1000;

// Creates the users index and the configured admin account, retrying with
// backoff while MongoDB is unreachable; the node serves meanwhile.
void BootstrapAccounts(UserStore& users, const Config& config, const std::atomic<bool>& stopping) {
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

int Run(const Config& config) {
  auto producer = KafkaProducer::Create({.brokers = config.kafka_brokers,
                                         .linger_ms = config.kafka_linger_ms,
                                         .delivery_timeout_ms = config.produce_timeout_ms,
                                         .client_id = "la-api-" + std::to_string(config.port),
                                         .compression = config.kafka_compression});
  if (!producer.ok()) return (spdlog::critical("{}", producer.status().message()), 1);
  auto mongo = MongoClient::Create(config.mongo_uri, config.mongo_database);
  if (!mongo.ok()) return (spdlog::critical("{}", mongo.status().message()), 1);

  MongoUserStore users(**mongo);
  MongoStreamReader streams(**mongo);
  ServerReadiness readiness(**producer, **mongo, config.redis);
  // /ready's checks on a thread of their own, each result reused for a second.
  ReadinessProbe ready_probe(readiness, std::chrono::seconds(1), kMaxWaitingReadyRequests);
  prometheus::Registry metrics;
  // Separate bounded pools: a flood of logins cannot delay reads, and the reverse.
  http::WorkPool passwords("password", config.password_threads, config.password_queue, &metrics);
  http::WorkPool reads("read", config.read_threads, config.read_queue, &metrics);
  ApiRateLimits rate_limits(config);
  JwtVerifier tokens(config.jwt_secret);
  const int threads =
      config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context io(threads);
  // Delivery reports resume the like requests in batches on `io` (one wake-up per batch).
  KafkaEventPublisher events(
      **producer, config.kafka_topic, io.get_executor(),
      &metrics
           .AddCounter("kafka_delivery_batches_total",
                       "Batches of Kafka delivery reports handed to the io threads, one "
                       "wake-up each (likes per batch = produced likes / batches).")
           .With());
  // Live viewers (docs/viewers.md): this node's id is new at every start, so a restarted
  // node never takes over the counts of its previous run (they expire after the TTL).
  LikeFeed feed;
  ViewerPresence viewers(
      config.redis, feed,
      {.node_id = "api-" + std::to_string(config.port) + "-" + NewEventId().substr(0, 12),
       .interval = std::chrono::milliseconds(config.viewer_report_ms),
       .node_ttl = std::chrono::milliseconds(config.viewer_node_ttl_ms),
       .write_minute = [&mongo, &reads](const MinuteOfViewers& minute) {
         if (!reads.TryPost([&mongo, minute] { WriteViewerMinute(**mongo, minute); }))
           spdlog::warn("viewers: the read pool is full; minute {} not written", minute.minute);
       }});
  feed.SetMembershipListener(
      [&viewers](std::string_view nsp, const std::string& stream_id, bool joined) {
        viewers.OnMembership(nsp, stream_id, joined);
      });
  ApiContext api{
      config,
      tokens,
      events,
      users,
      streams,
      ready_probe,
      passwords,
      reads,
      rate_limits,
      metrics,
      metrics.AddCounter("kafka_produce_errors_total", "Likes that Kafka did not acknowledge.")
          .With(),
      viewers};

  std::atomic<bool> stopping{false};
  std::thread bootstrap([&] { BootstrapAccounts(users, config, stopping); });

  http::Router router(metrics);
  router.Add(verb::get, "/health", handlers::Health());
  router.Add(verb::get, "/ready", handlers::Ready(api));
  router.Add(verb::post, "/auth/register", handlers::Register(api));
  router.Add(verb::post, "/auth/login", handlers::Login(api));
  router.Add(verb::post, "/engagement/like", handlers::Like(api));
  router.Add(verb::get, "/metrics", handlers::Metrics(api));
  router.Add(verb::get, "/streams", handlers::TopStreams(api));
  router.Add(verb::get, "/totals", handlers::Totals(api));
  router.AddPrefix("/streams/", "/streams/{streamId}", handlers::StreamHistory(api));
  const std::string web_root = config.web_root.empty() ? "web/dist" : config.web_root;
  router.Add(verb::get, "/socket.io/socket.io.js", handlers::StaticFiles(web_root));
  router.AddPrefix("/admin", "/admin", handlers::StaticFiles(web_root));

  // Socket.IO on the same port. Clients authenticate with a token in the CONNECT
  // payload, not with cookies, so pages from any origin may connect.
  EioOptions eio_options;
  eio_options.max_sessions = config.max_sessions;
  eio_options.max_sessions_per_address = config.max_sessions_per_address;
  eio_options.max_held_polls = static_cast<size_t>(config.max_held_polls);
  eio_options.write_timeout = std::chrono::milliseconds(config.write_timeout_ms);
  eio_options.lanes = static_cast<size_t>(threads);  // one broadcast handler per io thread
  // The api's clients send a token and short events: every message, body and packet is
  // bounded by a few KB, so that no client can make the node hold much (a parsed JSON
  // packet takes many times its size).
  constexpr size_t kMaxPacketBytes = 4096;
  eio_options.max_payload = kMaxPacketBytes;
  EioServer engine(
      io, eio_options, "*",
      &metrics.AddGauge("socketio_sessions", "Open Engine.IO sessions (Socket.IO clients).")
           .With());
  SioServer sockets(engine, {.packet_rate = {static_cast<double>(config.socket_event_rate_per_s),
                                             static_cast<double>(config.socket_event_burst)},
                             .limits = {.max_connect_bytes = kMaxPacketBytes,
                                        .max_event_bytes = kMaxPacketBytes,
                                        .max_attachment_bytes = kMaxPacketBytes}});
  ClusterTotalsFeed cluster_totals(
      config.redis, config.kafka_topic, feed, [&streams] { return streams.PartitionTotals(); },
      reads);
  std::function<void()> resnapshot_dashboards =
      AddLiveNamespaces(sockets, feed, api, viewers, cluster_totals);
  router.AddPrefix("/socket.io/", "/socket.io/", engine.PollingHandler(),
                   engine.options().max_payload);
  router.SetUpgradeHandler("/socket.io/", engine.UpgradeHandler());

  http::HttpServer server(
      io, router,
      {.max_body_bytes = config.max_body_bytes,
       .max_connections = static_cast<size_t>(config.max_connections),
       .max_connections_per_address = static_cast<size_t>(config.max_connections_per_address),
       .trusted_proxies = *TrustedProxies::Parse(config.trusted_proxies)});
  if (Status s = server.Listen(config.host, config.port); !s.ok()) {
    spdlog::critical("{}", s.message());
    stopping = true;
    bootstrap.join();
    return 1;
  }
  spdlog::info("api node listening on http://{}:{} with {} threads", config.host, server.port(),
               threads);
  StreamUpdatesBridge bridge(config.redis, feed, resnapshot_dashboards);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: closing Socket.IO sessions, then draining connections", signal);
    engine.Shutdown(std::chrono::seconds(5),
                    [&] { server.Shutdown(std::chrono::seconds(10), [&] { io.stop(); }); });
  });

  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) workers.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : workers) t.join();

  stopping = true;
  bootstrap.join();
  if (Status s = (*producer)->Flush(std::chrono::seconds(10)); !s.ok())
    spdlog::error("{}", s.message());
  passwords.Join();
  reads.Join();
  // Shutdown order: the producer goes while `io` still exists. Its
  // destructor fails what Kafka did not take, and those delivery callbacks resume
  // like requests by posting to `io`'s strands; `io` is declared after the
  // producer, so it would otherwise be destroyed first.
  producer->reset();
  spdlog::info("api node stopped");
  return 0;
}

}  // namespace
}  // namespace la

int main(int argc, char** argv) {
  la::InstallCrashReport("la-api");
  auto loaded = la::LoadConfig(la::Program::kApi, std::vector<std::string>(argv + 1, argv + argc),
                               la::ProcessEnvironment());
  if (!loaded.ok()) {
    std::cerr << "la-api: " << loaded.status().message() << "\n";
    return 2;
  }
  if (!loaded->config) {
    std::cout << "usage: la-api [settings]\n" << loaded->help;
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(loaded->config->log_level));
  for (const std::string& warning : loaded->warnings) spdlog::warn("{}", warning);
  if (loaded->config->dev_mode)
    spdlog::warn(
        "dev mode: a built-in JWT secret may be in use; never run like this in production");
  return la::Run(*loaded->config);
}
