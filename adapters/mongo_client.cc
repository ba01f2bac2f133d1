#include "adapters/mongo_client.h"

#include <mongoc/mongoc.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <mutex>

#include "core/connection_strings.h"

namespace la {
namespace {

// Owns a heap bson_t (unique_ptr<bson_t> trips over bson_t's alignment attribute).
class BsonPtr {
 public:
  explicit BsonPtr(bson_t* b) : b_(b) {}
  BsonPtr(BsonPtr&& other) noexcept : b_(std::exchange(other.b_, nullptr)) {}
  BsonPtr& operator=(BsonPtr&&) = delete;
  ~BsonPtr() {
    if (b_) bson_destroy(b_);
  }
  bson_t* get() const { return b_; }

 private:
  bson_t* b_;
};

// Routes the driver's log to spdlog. FerretDB has no endSessions command; the
// driver's warning about it at every disconnect is noise, so it becomes debug.
void LogToSpdlog(mongoc_log_level_t level, const char* domain, const char* message, void*) {
  if (level <= MONGOC_LOG_LEVEL_ERROR) {
    spdlog::error("mongoc {}: {}", domain, message);
  } else if (level == MONGOC_LOG_LEVEL_WARNING && std::strstr(message, "endSessions") == nullptr) {
    spdlog::warn("mongoc {}: {}", domain, message);
  } else {
    spdlog::debug("mongoc {}: {}", domain, message);
  }
}

void InitDriverOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    mongoc_log_set_handler(LogToSpdlog, nullptr);
    mongoc_init();
    std::atexit(mongoc_cleanup);
  });
}

Result<BsonPtr> ToBson(const nlohmann::json& json) {
  const std::string text = json.dump();
  bson_error_t error;
  bson_t* b = bson_new_from_json(reinterpret_cast<const uint8_t*>(text.data()),
                                 static_cast<ssize_t>(text.size()), &error);
  if (b == nullptr)
    return Status::Error(std::string("cannot convert to BSON: ") + error.message + ": " + text);
  return BsonPtr(b);
}

nlohmann::json ToJson(const bson_t* b) {
  size_t length = 0;
  char* text = bson_as_relaxed_extended_json(b, &length);
  nlohmann::json out = nlohmann::json::parse(text, text + length);
  bson_free(text);
  return out;
}

// Sets w: majority, j: true on `uri` unless it already chose a write concern;
// returns the one in force, for humans.
std::string ApplyDurableWriteConcern(mongoc_uri_t* uri) {
  const mongoc_write_concern_t* chosen = mongoc_uri_get_write_concern(uri);
  const bool uri_chose = mongoc_write_concern_get_w(chosen) != MONGOC_WRITE_CONCERN_W_DEFAULT ||
                         mongoc_write_concern_journal_is_set(chosen) ||
                         mongoc_write_concern_get_wtimeout_int64(chosen) != 0;
  if (!uri_chose) {
    mongoc_write_concern_t* durable = mongoc_write_concern_new();
    mongoc_write_concern_set_wmajority(durable, 0);
    mongoc_write_concern_set_journal(durable, true);
    mongoc_uri_set_write_concern(uri, durable);
    mongoc_write_concern_destroy(durable);
    return "w=majority, j=true";
  }
  const int32_t w = mongoc_write_concern_get_w(chosen);
  std::string text = "from the URI: w=";
  text += w == MONGOC_WRITE_CONCERN_W_MAJORITY  ? "majority"
          : w == MONGOC_WRITE_CONCERN_W_DEFAULT ? "default"
                                                : std::to_string(w);
  if (mongoc_write_concern_journal_is_set(chosen)) {
    text += mongoc_write_concern_get_journal(chosen) ? ", j=true" : ", j=false";
  }
  return text;
}

// Borrows a client from the pool for one operation.
class PooledClient {
 public:
  explicit PooledClient(mongoc_client_pool_t* pool)
      : pool_(pool), client_(mongoc_client_pool_pop(pool)) {}
  ~PooledClient() { mongoc_client_pool_push(pool_, client_); }
  mongoc_client_t* get() const { return client_; }

 private:
  mongoc_client_pool_t* pool_;
  mongoc_client_t* client_;
};

struct CollectionHandle {
  CollectionHandle(mongoc_client_pool_t* pool, const std::string& db, const std::string& name)
      : client(pool),
        collection(mongoc_client_get_collection(client.get(), db.c_str(), name.c_str())) {}
  ~CollectionHandle() { mongoc_collection_destroy(collection); }
  PooledClient client;
  mongoc_collection_t* collection;
};

// Runs a prepared bulk write, destroys it and reads the counts and per-operation
// errors of the reply. `what` names the write in error messages.
Result<MongoBulkResult> ExecuteBulk(mongoc_bulk_operation_t* bulk, const std::string& what) {
  bson_t reply;
  bson_error_t error;
  const uint32_t server = mongoc_bulk_operation_execute(bulk, &reply, &error);
  mongoc_bulk_operation_destroy(bulk);
  nlohmann::json json_reply = ToJson(&reply);
  bson_destroy(&reply);

  MongoBulkResult result;
  result.inserted = json_reply.value("nInserted", int64_t{0});
  result.matched = json_reply.value("nMatched", int64_t{0});
  result.modified = json_reply.value("nModified", int64_t{0});
  result.upserted = json_reply.value("nUpserted", int64_t{0});
  if (json_reply.contains("upserted")) {
    for (const auto& u : json_reply["upserted"])
      result.upserted_indexes.push_back(u.value("index", size_t{0}));
  }
  if (json_reply.contains("writeErrors")) {
    for (const auto& e : json_reply["writeErrors"]) {
      result.write_errors.push_back(
          {e.value("index", size_t{0}), e.value("code", 0), e.value("errmsg", "")});
    }
  }
  // A failure of the whole call (no server, timeout) rather than of single operations.
  if (server == 0 && result.write_errors.empty()) {
    return Status::Error("MongoDB bulk " + what + " failed: " + error.message);
  }
  return result;
}

}  // namespace

Result<std::unique_ptr<MongoClient>> MongoClient::Create(const std::string& uri_text,
                                                         std::string database) {
  InitDriverOnce();
  bson_error_t error;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(uri_text.c_str(), &error);
  if (uri == nullptr) {
    return Status::Error("MONGO_URI \"" + RedactUrl(uri_text) +
                         "\" is not a valid connection string: " + error.message);
  }
  if (!mongoc_uri_has_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 3000);
  }
  if (!mongoc_uri_has_option(uri, MONGOC_URI_CONNECTTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, 3000);
  }
  std::string write_concern = ApplyDurableWriteConcern(uri);
  std::string endpoint;
  for (const mongoc_host_list_t* h = mongoc_uri_get_hosts(uri); h != nullptr; h = h->next) {
    if (!endpoint.empty()) endpoint += ",";
    endpoint += h->host_and_port;
  }
  mongoc_client_pool_t* pool = mongoc_client_pool_new_with_error(uri, &error);
  mongoc_uri_destroy(uri);
  if (pool == nullptr)
    return Status::Error("MongoDB client pool for " + endpoint + ": " + error.message);
  mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2);
  mongoc_client_pool_set_appname(pool, "live-analytics");
  return std::unique_ptr<MongoClient>(
      new MongoClient(pool, std::move(database), std::move(endpoint), std::move(write_concern)));
}

MongoClient::MongoClient(mongoc_client_pool_t* pool, std::string database, std::string endpoint,
                         std::string write_concern)
    : pool_(pool),
      database_(std::move(database)),
      endpoint_(std::move(endpoint)),
      write_concern_(std::move(write_concern)) {}

MongoClient::~MongoClient() { mongoc_client_pool_destroy(pool_); }

Status MongoClient::Ping() {
  PooledClient client(pool_);
  bson_t* command = BCON_NEW("ping", BCON_INT32(1));
  bson_error_t error;
  bool ok = mongoc_client_command_simple(client.get(), "admin", command, nullptr, nullptr, &error);
  // A connection the server closed while it sat idle (a restart) fails with a socket
  // error; libmongoc drops it, and the second ping goes over a new one.
  if (!ok && error.domain == MONGOC_ERROR_STREAM) {
    ok = mongoc_client_command_simple(client.get(), "admin", command, nullptr, nullptr, &error);
  }
  bson_destroy(command);
  if (!ok) return Status::Error("MongoDB at " + endpoint_ + " is unreachable: " + error.message);
  return Status::Ok();
}

Result<std::vector<nlohmann::json>> MongoClient::Find(const std::string& collection,
                                                      const nlohmann::json& filter,
                                                      const nlohmann::json& options) {
  Result<BsonPtr> filter_bson = ToBson(filter);
  if (!filter_bson.ok()) return filter_bson.status();
  Result<BsonPtr> options_bson = ToBson(options);
  if (!options_bson.ok()) return options_bson.status();
  CollectionHandle handle(pool_, database_, collection);
  mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(handle.collection, filter_bson->get(),
                                                             options_bson->get(), nullptr);
  std::vector<nlohmann::json> documents;
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor, &doc)) documents.push_back(ToJson(doc));
  bson_error_t error;
  const bool failed = mongoc_cursor_error(cursor, &error);
  mongoc_cursor_destroy(cursor);
  if (failed)
    return Status::Error("MongoDB find in " + collection + " at " + endpoint_ + ": " +
                         error.message);
  return documents;
}

Result<InsertOutcome> MongoClient::InsertOne(const std::string& collection,
                                             const nlohmann::json& document) {
  Result<BsonPtr> doc = ToBson(document);
  if (!doc.ok()) return doc.status();
  CollectionHandle handle(pool_, database_, collection);
  bson_error_t error;
  if (mongoc_collection_insert_one(handle.collection, doc->get(), nullptr, nullptr, &error)) {
    return InsertOutcome::kInserted;
  }
  if (error.code == 11000) return InsertOutcome::kDuplicateKey;
  return Status::Error("MongoDB insert into " + collection + " at " + endpoint_ + ": " +
                       error.message);
}

Result<MongoBulkResult> MongoClient::BulkUpdate(const std::string& collection,
                                                const std::vector<MongoUpdate>& updates,
                                                bool ordered) {
  if (updates.empty()) return MongoBulkResult{};
  CollectionHandle handle(pool_, database_, collection);
  bson_t* options = BCON_NEW("ordered", BCON_BOOL(ordered));
  mongoc_bulk_operation_t* bulk =
      mongoc_collection_create_bulk_operation_with_opts(handle.collection, options);
  bson_destroy(options);
  bson_error_t error;
  for (const MongoUpdate& u : updates) {
    Result<BsonPtr> filter = ToBson(u.filter);
    Result<BsonPtr> update = filter.ok() ? ToBson(u.update) : filter.status();
    if (!update.ok()) {
      mongoc_bulk_operation_destroy(bulk);
      return update.status();
    }
    bson_t* update_options = BCON_NEW("upsert", BCON_BOOL(u.upsert));
    const bool added = u.many ? mongoc_bulk_operation_update_many_with_opts(
                                    bulk, filter->get(), update->get(), update_options, &error)
                              : mongoc_bulk_operation_update_one_with_opts(
                                    bulk, filter->get(), update->get(), update_options, &error);
    bson_destroy(update_options);
    if (!added) {
      mongoc_bulk_operation_destroy(bulk);
      return Status::Error(std::string("MongoDB bulk update: invalid update: ") + error.message);
    }
  }
  return ExecuteBulk(bulk, "update of " + collection + " at " + endpoint_);
}

Result<MongoBulkResult> MongoClient::BulkInsert(const std::string& collection,
                                                const std::vector<nlohmann::json>& documents) {
  if (documents.empty()) return MongoBulkResult{};
  CollectionHandle handle(pool_, database_, collection);
  bson_t* options = BCON_NEW("ordered", BCON_BOOL(false));
  mongoc_bulk_operation_t* bulk =
      mongoc_collection_create_bulk_operation_with_opts(handle.collection, options);
  bson_destroy(options);
  bson_error_t error;
  for (const nlohmann::json& document : documents) {
    Result<BsonPtr> bson = ToBson(document);
    if (!bson.ok()) {
      mongoc_bulk_operation_destroy(bulk);
      return bson.status();
    }
    if (!mongoc_bulk_operation_insert_with_opts(bulk, bson->get(), nullptr, &error)) {
      mongoc_bulk_operation_destroy(bulk);
      return Status::Error(std::string("MongoDB bulk insert: invalid document: ") + error.message);
    }
  }
  return ExecuteBulk(bulk, "insert into " + collection + " at " + endpoint_);
}

Status MongoClient::CreateIndex(const std::string& collection, const nlohmann::json& keys,
                                bool unique) {
  std::string name;
  for (const auto& [field, direction] : keys.items()) name += field + "_" + direction.dump() + "_";
  nlohmann::json command = {
      {"createIndexes", collection},
      {"indexes",
       {{{"key", keys}, {"name", name + (unique ? "unique" : "idx")}, {"unique", unique}}}}};
  Result<BsonPtr> bson = ToBson(command);
  if (!bson.ok()) return bson.status();
  PooledClient client(pool_);
  bson_error_t error;
  if (!mongoc_client_command_simple(client.get(), database_.c_str(), bson->get(), nullptr, nullptr,
                                    &error)) {
    return Status::Error("MongoDB createIndexes on " + collection + " at " + endpoint_ + ": " +
                         error.message);
  }
  return Status::Ok();
}

Status MongoClient::DeleteAll(const std::string& collection) {
  CollectionHandle handle(pool_, database_, collection);
  bson_t empty = BSON_INITIALIZER;
  bson_error_t error;
  const bool ok =
      mongoc_collection_delete_many(handle.collection, &empty, nullptr, nullptr, &error);
  bson_destroy(&empty);
  if (!ok)
    return Status::Error("MongoDB delete in " + collection + " at " + endpoint_ + ": " +
                         error.message);
  return Status::Ok();
}

}  // namespace la
