// A small blocking HTTP/1.1 client for integration tests, and a helper that runs
// a test-owned api node (la-api) as a child process on a spare port.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace la::test {

struct HttpResult {
  int status = 0;  // 0: no response (connection failed)
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

inline HttpResult HttpCall(int port, boost::beast::http::verb method, const std::string& target,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {}) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(20));
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                static_cast<unsigned short>(port)),
                 ec);
  if (ec) return {};
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request, ec);
  if (ec) return {};
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  if (ec) return {};
  HttpResult result{static_cast<int>(response.result_int()), response.body(), {}};
  for (const auto& field : response)
    result.headers[std::string(field.name_string())] = std::string(field.value());
  return result;
}

inline HttpResult Post(int port, const std::string& target, const std::string& body,
                       const std::string& token = "") {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return HttpCall(port, boost::beast::http::verb::post, target, body, headers);
}

inline HttpResult Get(int port, const std::string& target) {
  return HttpCall(port, boost::beast::http::verb::get, target);
}

// Where the built binaries are: $LA_BIN_DIR, else next to this test binary's folder.
inline std::filesystem::path BinaryDir() {
  if (const char* dir = std::getenv("LA_BIN_DIR")) return dir;
  return std::filesystem::canonical("/proc/self/exe").parent_path().parent_path();
}

// A child process, killed (SIGTERM, then SIGKILL) when this object goes away.
class ChildProcess {
 public:
  ChildProcess(const std::filesystem::path& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env, const std::string& log_path) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* log = fopen(log_path.c_str(), "a");
      if (log) {
        dup2(fileno(log), 1);
        dup2(fileno(log), 2);
      }
      for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
      std::vector<char*> argv{const_cast<char*>(binary.c_str())};
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
  }
  ~ChildProcess() { Stop(SIGTERM); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Sends `signal` and waits up to `grace` (then SIGKILL). Returns the exit status.
  int Stop(int signal, std::chrono::milliseconds grace = std::chrono::seconds(10)) {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, signal);
    int status = 0;
    for (int64_t i = 0; i < grace.count() / 10; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return exit_status_ = status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return exit_status_ = status;
  }
  pid_t pid() const { return pid_; }
  // True while the child has not exited (an exited child is reaped here).
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
    pid_ = -1;
    exit_status_ = status;
    return false;
  }

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// Waits until GET /health on `port` answers 200.
inline bool WaitHealthy(int port, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Get(port, "/health").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace la::test
