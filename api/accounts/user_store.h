// User accounts (MongoDB `users`: {_id, email (unique), password (argon2id), role,
// createdAt}). Blocking calls: run them on the blocking pool. Implemented over libmongoc
// in api/adapters/mongo_user_store.h. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/auth/role.h"
#include "core/status.h"

namespace la {

struct User {
  std::string id;  // the document's _id, a random hex string
  std::string email;
  std::string password_hash;
  Role role = Role::kViewer;
};

enum class CreateOutcome { kCreated, kEmailTaken };

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Creates the unique index on email (idempotent).
  virtual Status EnsureIndexes() = 0;
  // Hashes `password` and stores a new account with `role`.
  virtual Result<CreateOutcome> Create(const std::string& email, const std::string& password,
                                       Role role) = 0;
  // The account with `email`, or nullopt. An account whose document is malformed (a role
  // that is not a role name, say) is an error, never an exception.
  virtual Result<std::optional<User>> FindByEmail(const std::string& email) = 0;
  // Makes sure an admin account with `email` exists: creates it, or promotes an
  // existing account and resets its password. Used at start-up and by la-admin.
  virtual Status EnsureAdmin(const std::string& email, const std::string& password) = 0;
};

}  // namespace la
