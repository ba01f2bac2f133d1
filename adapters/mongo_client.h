// MongoDB through libmongoc: a client pool with the few operations the project
// needs, documents as nlohmann::json (MongoDB extended JSON, relaxed). Safe to use
// from many threads: each call borrows a client from the pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

struct _mongoc_client_pool_t;

namespace la {

struct MongoUpdate {
  nlohmann::json filter;
  nlohmann::json update;  // update operators, e.g. {"$inc": {...}, "$set": {...}}
  bool upsert = false;
  bool many = false;  // every matching document (updateMany), not only the first
};

struct MongoWriteError {
  size_t index = 0;  // which update failed
  int code = 0;      // 11000: duplicate key
  std::string message;
};

struct MongoBulkResult {
  int64_t inserted = 0;
  int64_t matched = 0;
  int64_t modified = 0;
  int64_t upserted = 0;
  std::vector<size_t> upserted_indexes;
  std::vector<MongoWriteError> write_errors;  // `index` into the inserts or updates sent
};

enum class InsertOutcome { kInserted, kDuplicateKey };

class MongoClient {
 public:
  // Parses the URI (a malformed one is an error naming it) and creates the pool;
  // server selection and connect timeouts default to 3 s so an unreachable server
  // gives an error, not a hang. Writes use w: majority, j: true (a counted like
  // survives a primary's failover and a crash) unless the URI sets w, journal or
  // wtimeoutMS, which then win.
  static Result<std::unique_ptr<MongoClient>> Create(const std::string& uri, std::string database);
  ~MongoClient();

  // Runs {ping: 1} against the server; once more after a socket error (a connection the
  // server closed while idle, e.g. after a restart), so that only a server that does not
  // answer fails it.
  Status Ping();
  // Documents of `collection` matching `filter`, with optional find options (projection, sort,
  // limit).
  Result<std::vector<nlohmann::json>> Find(
      const std::string& collection, const nlohmann::json& filter,
      const nlohmann::json& options = nlohmann::json::object());
  // Inserts one document; a unique-index violation is reported as kDuplicateKey.
  Result<InsertOutcome> InsertOne(const std::string& collection, const nlohmann::json& document);
  // Sends all updates as one bulk write (unordered unless `ordered`), majority write concern.
  // Per-update failures are in the result; only a failure of the whole call is an error.
  Result<MongoBulkResult> BulkUpdate(const std::string& collection,
                                     const std::vector<MongoUpdate>& updates, bool ordered = false);
  // Inserts all documents as one unordered bulk write, majority write concern.
  // Per-document failures (e.g. code 11000, duplicate key) are in the result;
  // only a failure of the whole call is an error. (FerretDB stops at the first
  // failed document even when unordered, so later ones may be neither inserted
  // nor reported.)
  Result<MongoBulkResult> BulkInsert(const std::string& collection,
                                     const std::vector<nlohmann::json>& documents);
  // Creates an index on `keys` (e.g. {"email": 1}) if it does not exist.
  Status CreateIndex(const std::string& collection, const nlohmann::json& keys, bool unique);
  // Removes every document of `collection` (tests and tools).
  Status DeleteAll(const std::string& collection);

  const std::string& database() const { return database_; }
  // The write concern every write uses, e.g. "w=majority, j=true" (logs and tests).
  const std::string& write_concern() const { return write_concern_; }

 private:
  MongoClient(_mongoc_client_pool_t* pool, std::string database, std::string endpoint,
              std::string write_concern);

  _mongoc_client_pool_t* pool_;
  std::string database_;
  std::string endpoint_;  // for messages, without credentials
  std::string write_concern_;
};

}  // namespace la
