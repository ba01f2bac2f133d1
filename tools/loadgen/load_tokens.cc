#include "tools/loadgen/load_tokens.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/auth/jwt.h"
#include "core/auth/role.h"

namespace la {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto kLoginTimeout =
    std::chrono::seconds(30);  // argon2id verification is slow on purpose

// POST /auth/login {"email","password"} and return the "token" of a 200 answer.
Result<std::string> Login(const std::string& email_and_password,
                          const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
                          const std::string& host_header) {
  const size_t colon = email_and_password.find(':');
  const std::string email = email_and_password.substr(0, colon);
  const nlohmann::json body = {{"email", email},
                               {"password", email_and_password.substr(colon + 1)}};

  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.expires_after(kLoginTimeout);
  stream.connect(endpoints, ec);
  if (ec) return Status::Error("login: cannot connect to " + host_header + ": " + ec.message());

  http::request<http::string_body> request{http::verb::post, "/auth/login", 11};
  request.set(http::field::host, host_header);
  request.set(http::field::content_type, "application/json");
  request.body() = body.dump();
  request.prepare_payload();
  http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(stream, buffer, response, ec);
  if (ec)
    return Status::Error("login as " + email + " at " + host_header + " failed: " + ec.message());

  const nlohmann::json answer = nlohmann::json::parse(response.body(), nullptr, false);
  if (response.result() != http::status::ok || !answer.is_object() || !answer.contains("token") ||
      !answer["token"].is_string()) {
    return Status::Error("login as " + email + " failed: HTTP " +
                         std::to_string(response.result_int()) + " " + response.body());
  }
  return answer["token"].get<std::string>();
}

}  // namespace

Result<std::vector<std::string>> ConnectionTokens(
    const TokenSource& source, int connections, const std::string& run_id, int64_t lifetime_s,
    const std::vector<boost::asio::ip::tcp::endpoint>& endpoints, const std::string& host_header) {
  if (!source.token.empty()) return std::vector<std::string>(connections, source.token);
  if (!source.login.empty()) {
    Result<std::string> token = Login(source.login, endpoints, host_header);
    if (!token.ok()) return token.status();
    return std::vector<std::string>(connections, *token);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<std::string> tokens;
  tokens.reserve(connections);
  for (int i = 0; i < connections; ++i) {
    const std::string id = "loadgen-" + run_id + "-" + std::to_string(i);
    tokens.push_back(SignJwt({id, std::string(RoleName(Role::kViewer)), id, now, now + lifetime_s},
                             source.jwt_secret));
  }
  return tokens;
}

}  // namespace la
