#include "api/adapters/mongo_user_store.h"

#include <chrono>
#include <random>

#include "api/accounts/password_hasher.h"

namespace la {
namespace {

constexpr const char* kUsers = "users";

std::string NewUserId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buffer[33];
  snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(rng()),
           static_cast<unsigned long long>(rng()));
  return buffer;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status MongoUserStore::EnsureIndexes() { return mongo_.CreateIndex(kUsers, {{"email", 1}}, true); }

Result<CreateOutcome> MongoUserStore::Create(const std::string& email, const std::string& password,
                                             Role role) {
  Result<std::string> hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  Result<InsertOutcome> inserted = mongo_.InsertOne(
      kUsers, {{"_id", NewUserId()},
               {"email", email},
               {"password", *hash},
               {"role", RoleName(role)},
               {"createdAt", {{"$date", {{"$numberLong", std::to_string(NowMs())}}}}}});
  if (!inserted.ok()) return inserted.status();
  return *inserted == InsertOutcome::kInserted ? CreateOutcome::kCreated
                                               : CreateOutcome::kEmailTaken;
}

Result<std::optional<User>> MongoUserStore::FindByEmail(const std::string& email) {
  Result<std::vector<nlohmann::json>> found =
      mongo_.Find(kUsers, {{"email", email}}, {{"limit", 1}});
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<User>();
  const nlohmann::json& doc = found->front();
  // Every field is checked before it is read: a document edited by hand (a role that is a
  // number, say) is an error for this login, never an exception.
  auto field = [&doc](const char* name) {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string id = field("_id"), password = field("password");
  // No role: an account of the seed's era, a viewer.
  const Result<Role> role = doc.contains("role") ? ParseRole(field("role")) : Role::kViewer;
  if (id.empty() || password.empty() || !role.ok()) {
    return Status::Error("user document for " + email +
                         " is malformed (_id and password must be strings, role " + RoleNames() +
                         "); fix it in MongoDB");
  }
  return std::optional<User>(User{id, email, password, *role});
}

Status MongoUserStore::EnsureAdmin(const std::string& email, const std::string& password) {
  Result<CreateOutcome> created = Create(email, password, Role::kAdmin);
  if (!created.ok()) return created.status();
  if (*created == CreateOutcome::kCreated) return Status::Ok();
  Result<std::string> hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  Result<MongoBulkResult> updated = mongo_.BulkUpdate(
      kUsers, {{{{"email", email}},
                {{"$set", {{"role", RoleName(Role::kAdmin)}, {"password", *hash}}}},
                false}});
  if (!updated.ok()) return updated.status();
  if (!updated->write_errors.empty())
    return Status::Error("promoting " + email + ": " + updated->write_errors[0].message);
  return Status::Ok();
}

}  // namespace la
