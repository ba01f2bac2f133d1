// sio-echo-server: the api node's Engine.IO / Socket.IO engine behind the small echo
// application that the official conformance suite (socketio/socket.io-protocol,
// test-suite/) expects, so that suite and tests/e2e/socketio.protocol.test.mjs can be
// pointed at it:
//   path /socket.io/, pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6, CORS "*";
//   on connect to "/" or "/custom": emits "auth" with the handshake's auth payload;
//   "/": echoes "message" as "message-back", acknowledges "message-with-ack" with its
//   arguments (binary attachments included); any other namespace is refused with
//   {"message":"Invalid namespace"}.
// Usage: sio-echo-server [--host 127.0.0.1] [--port 3000] [--ping-interval-ms 300]
//                        [--ping-timeout-ms 200]
// With --port 0 the system picks a free port. The first line on stdout is
// "listening on http://<host>:<port>" once the server accepts connections. The heartbeat
// flags are for tests of something else than the heartbeat: with a long ping timeout a
// client that is slow to answer a ping (on a busy machine) keeps its session.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/prometheus.h"
#include "http/server.h"
#include "socketio/eio_server.h"
#include "socketio/sio_server.h"

namespace {

namespace asio = boost::asio;

constexpr const char* kUsage =
    "usage: sio-echo-server [--host 127.0.0.1] [--port 3000] [--ping-interval-ms 300] "
    "[--ping-timeout-ms 200]\n";

struct Flags {
  std::string host = "127.0.0.1";
  int port = 3000;
  int ping_interval_ms = 300;
  int ping_timeout_ms = 200;
};

// Parses the flags of kUsage; returns false (after printing why) on anything else.
bool ParseFlags(const std::vector<std::string>& args, Flags& flags) {
  struct NumberFlag {
    std::string_view name;
    int* value;
    int min, max;
  };
  constexpr int kHour = 3600000;
  const NumberFlag numbers[] = {{"--port", &flags.port, 0, 65535},
                                {"--ping-interval-ms", &flags.ping_interval_ms, 1, kHour},
                                {"--ping-timeout-ms", &flags.ping_timeout_ms, 1, kHour}};
  for (size_t i = 0; i < args.size(); i += 2) {
    const std::string& flag = args[i];
    const NumberFlag* number = std::find_if(std::begin(numbers), std::end(numbers),
                                            [&](const NumberFlag& n) { return n.name == flag; });
    if (number == std::end(numbers) && flag != "--host") {
      std::cerr << "sio-echo-server: unknown argument \"" << flag << "\"\n" << kUsage;
      return false;
    }
    if (i + 1 == args.size()) {
      std::cerr << "sio-echo-server: " << flag << " needs a value\n" << kUsage;
      return false;
    }
    const std::string& text = args[i + 1];
    if (number == std::end(numbers)) {
      flags.host = text;
      continue;
    }
    size_t used = 0;
    try {
      *number->value = std::stoi(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || *number->value < number->min ||
        *number->value > number->max) {
      std::cerr << "sio-echo-server: " << flag << " needs a whole number from " << number->min
                << " to " << number->max << ", got \"" << text << "\"\n";
      return false;
    }
  }
  return true;
}

// An event's arguments as a list, to send them back.
std::vector<nlohmann::json> Arguments(const la::SioEvent& event) {
  return std::vector<nlohmann::json>(event.args.begin(), event.args.end());
}

// The echo application of the conformance suite.
void AddEchoNamespaces(la::SioServer& sockets) {
  for (const std::string name : {"/", "/custom"}) {
    sockets.AddNamespace(name).OnConnect([](const std::shared_ptr<la::SioSocket>& socket) {
      socket->Emit("auth", {socket->auth()});
    });
  }
  la::SioNamespace& main = sockets.AddNamespace("/");
  main.On("message", [](const std::shared_ptr<la::SioSocket>& socket, const la::SioEvent& event) {
    socket->Emit("message-back", Arguments(event), event.attachments);
  });
  main.On("message-with-ack",
          [](const std::shared_ptr<la::SioSocket>& socket, const la::SioEvent& event) {
            if (event.ack_id)
              socket->Acknowledge(*event.ack_id, Arguments(event), event.attachments);
          });
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(std::vector<std::string>(argv + 1, argv + argc), flags)) return 2;

  constexpr int kThreads = 2;  // more than one, so that the strands are exercised
  asio::io_context io(kThreads);
  la::EioServer engine(io,
                       {.ping_interval = std::chrono::milliseconds(flags.ping_interval_ms),
                        .ping_timeout = std::chrono::milliseconds(flags.ping_timeout_ms),
                        .max_payload = 1000000},
                       "*");
  la::SioServer sockets(engine);
  AddEchoNamespaces(sockets);

  la::prometheus::Registry metrics;
  la::http::Router router(metrics);
  router.AddPrefix("/socket.io/", "/socket.io/", engine.PollingHandler(),
                   engine.options().max_payload);
  router.SetUpgradeHandler("/socket.io/", engine.UpgradeHandler());
  la::http::HttpServer server(io, router, {});
  if (la::Status s = server.Listen(flags.host, flags.port); !s.ok()) {
    std::cerr << "sio-echo-server: " << s.message() << "\n";
    return 1;
  }
  std::cout << "listening on http://" << flags.host << ":" << server.port() << std::endl;
  spdlog::flush_on(spdlog::level::warn);  // tests read the log from a pipe

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    engine.Shutdown(std::chrono::seconds(2),
                    [&] { server.Shutdown(std::chrono::seconds(2), [&] { io.stop(); }); });
  });
  std::vector<std::thread> workers;
  for (int i = 1; i < kThreads; ++i) workers.emplace_back([&] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();
  return 0;
}
