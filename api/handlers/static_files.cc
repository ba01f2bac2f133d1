#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/handlers/handlers.h"

namespace la::handlers {
namespace {

std::string ContentType(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json" || ext == ".map") return "application/json";
  return "application/octet-stream";
}

// Maps a URL path to a file under the web root, or "" if it is not one we serve.
std::string RelativeFile(const std::string& path) {
  if (path == "/socket.io/socket.io.js") return "socket.io/socket.io.js";
  if (path == "/admin" || path == "/admin/") return "admin/index.html";
  if (path.rfind("/admin/", 0) != 0 || path.find("..") != std::string::npos) return "";
  return path.substr(1);
}

}  // namespace

// The dashboard built by web/ (npm run build), and socket.io-client's browser
// bundle at the path the Node server uses, so seed-style pages work unchanged.
http::Handler StaticFiles(const std::string& web_root) {
  return [web_root](http::RequestContext& context) -> boost::asio::awaitable<http::Response> {
    const std::string relative = RelativeFile(context.path);
    if (relative.empty())
      co_return http::ErrorResponse(http::Status::not_found, "no file at " + context.path);
    const std::filesystem::path file = std::filesystem::path(web_root) / relative;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      co_return http::ErrorResponse(
          http::Status::not_found,
          "no file at " + context.path + " (is the dashboard built? run ./dev build)");
    }
    std::ostringstream body;
    body << in.rdbuf();
    http::Response response = http::TextResponse(http::Status::ok, body.str(), ContentType(file));
    response.set(http::beast_http::field::cache_control, "no-cache");
    co_return response;
  };
}

}  // namespace la::handlers
