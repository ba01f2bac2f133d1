// sio-echo-server: the api node's Engine.IO / Socket.IO engine behind the small echo
// application that the official conformance suite (socketio/socket.io-protocol,
// test-suite/) expects, so that suite and tests/e2e/protocol.test.mjs can be pointed at it:
//   path /socket.io/, pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6, CORS "*";
//   on connect to "/" or "/custom": emits "auth" with the handshake's auth payload;
//   "/": echoes "message" as "message-back", acknowledges "message-with-ack" with its
//   arguments (binary attachments included); any other namespace is refused with
//   {"message":"Invalid namespace"}.
// Usage: sio-echo-server [--host 127.0.0.1] [--port 3000]
// With --port 0 the system picks a free port. The first line on stdout is
// "listening on http://<host>:<port>" once the server accepts connections.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "core/prometheus.h"
#include "http/server.h"
#include "socketio/eio_server.h"
#include "socketio/sio_server.h"

namespace {

namespace asio = boost::asio;

struct Flags {
  std::string host = "127.0.0.1";
  int port = 3000;
};

// Parses --host and --port; returns false (after printing why) on anything else.
bool ParseFlags(const std::vector<std::string>& args, Flags& flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--host" && has_value) {
      flags.host = args[++i];
    } else if (args[i] == "--port" && has_value) {
      try {
        flags.port = std::stoi(args[++i]);
      } catch (const std::exception&) {
        std::cerr << "sio-echo-server: --port needs a number, got \"" << args[i] << "\"\n";
        return false;
      }
    } else {
      std::cerr << "sio-echo-server: unknown argument \"" << args[i] << "\"\n"
                << "usage: sio-echo-server [--host 127.0.0.1] [--port 3000]\n";
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
                       {.ping_interval = std::chrono::milliseconds(300),
                        .ping_timeout = std::chrono::milliseconds(200),
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
