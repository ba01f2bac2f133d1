// The api node's routes, one handler per file (docs/http-api.md is the contract).
#pragma once

#include "api/api_context.h"
#include "http/router.h"

namespace la::handlers {

http::Handler Health();                        // GET /health
http::Handler Ready(ApiContext& api);          // GET /ready
http::Handler Register(ApiContext& api);       // POST /auth/register
http::Handler Login(ApiContext& api);          // POST /auth/login
http::Handler Like(ApiContext& api);           // POST /engagement/like
http::Handler Metrics(ApiContext& api);        // GET /metrics
http::Handler StreamHistory(ApiContext& api);  // GET /streams/{streamId}
http::Handler TopStreams(ApiContext& api);     // GET /streams?top=N[&by=likes|viewers]
http::Handler Totals(ApiContext& api);         // GET /totals
http::Handler StaticFiles(
    const std::string& web_root);  // GET /admin, /admin/*, /socket.io/socket.io.js

}  // namespace la::handlers
