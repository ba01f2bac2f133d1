#include "http/message.h"

namespace la::http {

Response TextResponse(Status status, std::string body, const std::string& content_type) {
  Response response{status, 11};
  response.set(beast_http::field::content_type, content_type);
  response.set(beast_http::field::cache_control, "no-store");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response JsonResponse(Status status, const nlohmann::json& body) {
  return TextResponse(status, body.dump(), "application/json; charset=utf-8");
}

Response ErrorResponse(Status status, const std::string& message) {
  return JsonResponse(status, {{"message", message}});
}

std::string QueryParameter(const std::string& query, const std::string& name) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      const std::string raw = eq == std::string::npos ? "" : pair.substr(eq + 1);
      std::string decoded;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && isxdigit(raw[i + 1]) && isxdigit(raw[i + 2])) {
          decoded += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          decoded += raw[i] == '+' ? ' ' : raw[i];
        }
      }
      return decoded;
    }
    start = end + 1;
  }
  return "";
}

}  // namespace la::http
