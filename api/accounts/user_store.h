// User accounts in MongoDB `users`: {_id, email (unique), password (argon2id),
// role, createdAt}. Blocking calls: run them on the blocking pool.
#pragma once

#include <optional>
#include <string>

#include "adapters/mongo_client.h"
#include "core/status.h"

namespace la {

struct User {
  std::string id;  // the document's _id, a random hex string
  std::string email;
  std::string password_hash;
  std::string role;  // "viewer" or "admin"
};

enum class CreateOutcome { kCreated, kEmailTaken };

class UserStore {
 public:
  explicit UserStore(MongoClient& mongo) : mongo_(mongo) {}

  // Creates the unique index on email (idempotent).
  Status EnsureIndexes();
  // Hashes `password` and stores a new account with `role`.
  Result<CreateOutcome> Create(const std::string& email, const std::string& password, const std::string& role);
  // The account with `email`, or nullopt.
  Result<std::optional<User>> FindByEmail(const std::string& email);
  // Makes sure an admin account with `email` exists: creates it, or promotes an
  // existing account and resets its password. Used at start-up and by la-admin.
  Status EnsureAdmin(const std::string& email, const std::string& password);

 private:
  MongoClient& mongo_;
};

}  // namespace la
