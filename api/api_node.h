// The api node (la-api) as one object: every part of it, wired together. ApiNode::Start
// connects the Kafka producer and the MongoDB client, builds the parts and listens; Run
// serves until Stop, then stops the parts that need an explicit step.
//
// Contract: the members are declared in start-up order, so that they are destroyed in the
// shutdown order: what is built on another part goes before it. One exception is stopped
// explicitly at the end of Run: the Kafka producer (see Run).
//
// Thread-safety: Start and Run from one thread; Stop from any thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "adapters/kafka_producer.h"
#include "adapters/mongo_client.h"
#include "api/adapters/kafka_event_publisher.h"
#include "api/adapters/mongo_stream_reader.h"
#include "api/adapters/mongo_user_store.h"
#include "api/adapters/server_readiness.h"
#include "api/api_context.h"
#include "api/realtime/cluster_totals_feed.h"
#include "api/realtime/like_feed.h"
#include "api/realtime/stream_updates_bridge.h"
#include "api/realtime/viewer_presence.h"
#include "config/api_config.h"
#include "http/server.h"
#include "program/run_program.h"
#include "socketio/eio_server.h"
#include "socketio/sio_server.h"

namespace la {

class ApiNode final : public Program {
 public:
  // Connects, builds the node and listens on config.host:config.port. Fails, with a message
  // naming what, when Kafka's or MongoDB's settings are refused or the port cannot be bound.
  static Result<std::unique_ptr<Program>> Start(const ApiConfig& config);
  ~ApiNode() override;

  // Serves on the configured number of threads until Stop has drained the connections;
  // then finishes the account set-up thread, flushes Kafka (10 s at most) and the pools.
  int Run() override;
  // Closes the Socket.IO sessions (5 s), then drains the HTTP connections (10 s), then
  // ends Run. Only the first call does anything.
  void Stop(int signal) override;

 private:
  ApiNode(const ApiConfig& config, std::unique_ptr<KafkaProducer> producer,
          std::unique_ptr<MongoClient> mongo);
  void AddRoutes();

  const ApiConfig config_;
  const int threads_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<MongoClient> mongo_;
  MongoUserStore users_;
  MongoStreamReader streams_;
  ServerReadiness readiness_;
  ReadinessProbe ready_probe_;  // /ready's checks on a thread of their own
  prometheus::Registry metrics_;
  // Separate bounded pools: a flood of logins cannot delay reads, and the reverse.
  async::WorkPool passwords_;
  async::WorkPool reads_;
  ApiRateLimits rate_limits_;
  JwtVerifier tokens_;
  boost::asio::io_context io_;
  KafkaEventPublisher events_;  // resumes like requests on io_
  LikeFeed feed_;
  ViewerPresence viewers_;
  ApiContext api_;
  std::atomic<bool> stopping_{false};  // ends the account set-up thread's retries
  std::thread bootstrap_;              // creates the users index and the admin account
  http::Router router_;
  EioServer engine_;  // Socket.IO on the same port
  SioServer sockets_;
  ClusterTotalsFeed cluster_totals_;
  std::function<void()> resnapshot_dashboards_;
  http::HttpServer server_;
  std::optional<StreamUpdatesBridge> bridge_;  // once listening
  std::atomic<bool> stop_requested_{false};
};

}  // namespace la
