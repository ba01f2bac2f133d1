// The request and response types every handler sees, and the JSON helpers that
// keep every error body in the contract's shape: {"message": "..."}.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace la::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
using Status = beast_http::status;

// What a handler knows about the request beyond its bytes.
struct RequestContext {
  const Request& request;
  std::string path;   // the target without the query string
  std::string query;  // after '?', undecoded
  // The client's address: X-Real-IP / X-Forwarded-For when the peer is a trusted proxy
  // (nginx), else the peer's own address. What per-client limits are keyed by.
  std::string client_ip;
  // Set once the client has closed its connection: work queued for it may be dropped.
  std::shared_ptr<const std::atomic<bool>> client_gone;
};

// A response with a JSON body and the right content type.
Response JsonResponse(Status status, const nlohmann::json& body);
// {"message": message}: the shape of every error in the contract.
Response ErrorResponse(Status status, const std::string& message);
// A plain response with the given content type.
Response TextResponse(Status status, std::string body, const std::string& content_type);

// Value of query parameter `name` (percent-decoded), or empty.
std::string QueryParameter(const std::string& query, const std::string& name);

}  // namespace la::http
