// The user store on MongoDB `users` (api/accounts/user_store.h), with a unique index on
// email. Blocking calls; thread-safe (MongoClient is).
#pragma once

#include "adapters/mongo_client.h"
#include "api/accounts/user_store.h"

namespace la {

class MongoUserStore final : public UserStore {
 public:
  // `mongo` must outlive the store.
  explicit MongoUserStore(MongoClient& mongo) : mongo_(mongo) {}

  Status EnsureIndexes() override;
  Result<CreateOutcome> Create(const std::string& email, const std::string& password,
                               Role role) override;
  Result<std::optional<User>> FindByEmail(const std::string& email) override;
  Status EnsureAdmin(const std::string& email, const std::string& password) override;

 private:
  MongoClient& mongo_;
};

}  // namespace la
