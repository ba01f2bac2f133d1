// la-admin: operator commands for a live-analytics deployment.
//
//   la-admin topics [--replication-factor N --min-insync-replicas M]
//                                           create the event and DLQ topics (idempotent)
//   la-admin mint-token --id ID --role R    print a signed JWT (for scripts and load tests)
//   la-admin create-admin                   create or promote the ADMIN_EMAIL account
//   la-admin dlq list|show|replay ...       inspect and replay dead letters (tools/admin/)
//   la-admin partitions [rebase ...]        whether each partition's log is the one counted,
//                                           and the re-base of a replaced one (tools/admin/)
//
// Connection settings come from the same environment variables and flags as the
// services (see --help).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <random>
#include <vector>

#include "adapters/kafka_admin.h"
#include "api/adapters/mongo_user_store.h"
#include "config/tool_config.h"
#include "core/auth/jwt.h"
#include "core/auth/role.h"
#include "core/counting/like_event.h"
#include "tools/admin/admin_flags.h"
#include "tools/admin/dlq_commands.h"
#include "tools/admin/partitions_commands.h"
#include "tools/admin/topic_flags.h"

namespace la {
namespace {

constexpr int kDlqPartitions = 3;

int Fail(const std::string& message) {
  std::cerr << "la-admin: " << message << "\n";
  return 1;
}

int CreateTopics(const ToolConfig& config, const admin::TopicDurability& durability) {
  const int copies = durability.replication_factor, in_sync = durability.min_insync_replicas;
  Status s = EnsureTopics(config.kafka_brokers,
                          {{config.kafka_topic, config.kafka_partitions, copies, in_sync},
                           {config.kafka_dlq_topic, kDlqPartitions, copies, in_sync}},
                          std::chrono::seconds(30));
  if (!s.ok()) return Fail(s.message());
  for (const std::string& topic : {config.kafka_topic, config.kafka_dlq_topic}) {
    Result<int> partitions = CountPartitions(config.kafka_brokers, topic, std::chrono::seconds(10));
    if (!partitions.ok()) return Fail(partitions.status().message());
    std::cout << "topic " << topic << ": " << *partitions << " partitions\n";
  }
  if (copies > 1 || in_sync > 1) {
    std::cout << "new topics: replication factor " << copies << ", min.insync.replicas " << in_sync
              << " (existing topics are kept as they are)\n";
  }
  return 0;
}

// The flags of mint-token, taken out of the argument list before the settings are parsed.
struct MintRequest {
  std::optional<std::string> id, role, ttl_s;
};

int MintToken(const ToolConfig& config, const MintRequest& request) {
  if (!request.id || !request.role)
    return Fail("mint-token needs --id ID --role viewer|admin [--ttl-s 3600]");
  if (config.jwt_secret.empty()) return Fail("JWT_SECRET is not set (or use dev mode, LA_DEV=1)");
  // The api nodes refuse a token whose id is not a valid user id.
  if (Status valid = CheckUserId(*request.id); !valid.ok()) return Fail("--id: " + valid.message());
  if (Result<Role> role = ParseRole(*request.role); !role.ok()) {
    return Fail("--role: " + role.status().message());
  }
  int64_t ttl = 3600;
  if (request.ttl_s) {
    try {
      ttl = std::stoll(*request.ttl_s);
    } catch (const std::exception&) {
      return Fail("--ttl-s must be a number of seconds, got \"" + *request.ttl_s + "\"");
    }
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::mt19937_64 rng(std::random_device{}());
  JwtClaims claims{*request.id, *request.role, std::to_string(rng()), now, now + ttl};
  std::cout << SignJwt(claims, config.jwt_secret) << "\n";
  return 0;
}

// Creates the admin account (or promotes and resets an existing one): the only
// way besides the api node's start-up to get an admin, since self-registration
// always makes viewers.
int CreateAdmin(const ToolConfig& config) {
  if (config.admin_email.empty()) {
    return Fail(
        "create-admin needs --admin-email EMAIL --admin-password PASSWORD (or "
        "ADMIN_EMAIL/ADMIN_PASSWORD)");
  }
  auto mongo = MongoClient::Create(config.mongo_uri, config.mongo_database);
  if (!mongo.ok()) return Fail(mongo.status().message());
  MongoUserStore users(**mongo);
  Status s = users.EnsureIndexes();
  if (s.ok()) s = users.EnsureAdmin(config.admin_email, config.admin_password);
  if (!s.ok()) return Fail(s.message());
  std::cout << "admin account " << config.admin_email << " is ready\n";
  return 0;
}

const char* kCommands =
    "usage: la-admin <command> [flags]\n"
    "  topics                          create the event and DLQ topics (existing ones are kept)\n"
    "    [--replication-factor N]      copies of each partition (default 1; production 3)\n"
    "    [--min-insync-replicas M]     copies acks=all waits for (default 1; production 2)\n"
    "  mint-token --id ID --role R     print a JWT signed with JWT_SECRET (R: viewer or admin)\n"
    "  create-admin                    create or promote the account --admin-email / "
    "--admin-password\n";

std::string Usage() {
  return std::string(kCommands) + admin::kDlqUsage + admin::kPartitionsUsage +
         "Run `la-admin --help` for connection settings.\n";
}

int Main(int argc, char** argv) {
  const std::string kUsage = Usage();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Fail(std::string("no command\n") + kUsage);
  const std::string command = args.front();
  args.erase(args.begin());
  MintRequest mint;
  if (command == "mint-token") {
    Result<std::vector<std::optional<std::string>>> flags =
        admin::TakeFlags(args, {"id", "role", "ttl-s"});
    if (!flags.ok()) return Fail(flags.status().message());
    mint = {(*flags)[0], (*flags)[1], (*flags)[2]};
  }
  admin::TopicDurability durability;
  if (command == "topics") {
    Result<admin::TopicDurability> parsed = admin::TakeTopicDurability(args);
    if (!parsed.ok()) return Fail(parsed.status().message());
    durability = *parsed;
  }
  std::optional<admin::DlqCommand> dlq;
  if (command == "dlq" && std::find(args.begin(), args.end(), "--help") == args.end()) {
    Result<admin::DlqCommand> parsed = admin::TakeDlqCommand(args);
    if (!parsed.ok()) return Fail(parsed.status().message());
    dlq = std::move(*parsed);
  }
  std::optional<admin::PartitionsCommand> partitions;
  if (command == "partitions" && std::find(args.begin(), args.end(), "--help") == args.end()) {
    Result<admin::PartitionsCommand> parsed = admin::TakePartitionsCommand(args);
    if (!parsed.ok()) return Fail(parsed.status().message());
    partitions = std::move(*parsed);
  }
  if (command == "--help" || command == "help") args = {"--help"};
  Result<ConfigOrHelp<ToolConfig>> loaded = LoadToolConfig(args, ProcessEnvironment());
  if (!loaded.ok()) return Fail(loaded.status().message());
  if (!loaded->config) {
    std::cout << kUsage << loaded->help;
    return 0;
  }
  for (const std::string& warning : loaded->warnings)
    std::cerr << "la-admin: warning: " << warning << "\n";
  const ToolConfig& config = *loaded->config;
  if (command == "topics") return CreateTopics(config, durability);
  if (command == "mint-token") return MintToken(config, mint);
  if (command == "create-admin") return CreateAdmin(config);
  if (command == "dlq") {
    const Status done = admin::RunDlq(config, *dlq, std::cout);
    return done.ok() ? 0 : Fail(done.message());
  }
  if (command == "partitions") {
    const Status done = admin::RunPartitions(config, *partitions, std::cout);
    return done.ok() ? 0 : Fail(done.message());
  }
  return Fail("unknown command \"" + command + "\"\n" + kUsage);
}

}  // namespace
}  // namespace la

int main(int argc, char** argv) { return la::Main(argc, argv); }
