// la-api: the api node. HTTP routes (auth, like ingestion, health, metrics,
// dashboard) and the Socket.IO server (live totals relayed from Redis) on one port;
// see docs/http-api.md and docs/socketio-api.md for the contract and --help for settings.
// The node is api/api_node.h; what every program's main does is program/run_program.h.
#include "api/api_node.h"
#include "config/api_config.h"
#include "program/run_program.h"

int main(int argc, char** argv) {
  constexpr int kFailedStart = 1;
  return la::RunProgram("la-api", argc, argv, la::LoadApiConfig, la::ApiNode::Start, kFailedStart);
}
