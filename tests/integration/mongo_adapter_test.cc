// The MongoDB adapter against the real MongoDB-wire server (FerretDB locally):
// bulk $inc upserts, conditional updates, unique indexes, and bounded failures.
#include <gtest/gtest.h>

#include <chrono>

#include "adapters/mongo_client.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::unique_ptr<MongoClient> Connect() {
  auto client = MongoClient::Create(test::MongoUri(), "live-analytics-test");
  EXPECT_TRUE(client.ok()) << client.status().message();
  return std::move(*client);
}

TEST(MongoAdapter, BulkIncUpsertThenReadBack) {
  auto mongo = Connect();
  const std::string collection = test::UniqueName("streams");
  std::vector<MongoUpdate> updates;
  for (int i = 0; i < 3; ++i) {
    const std::string id = "s" + std::to_string(i);
    updates.push_back({{{"_id", id}},
                       {{"$inc", {{"likes", i + 1}}}, {"$set", {{"streamId", id}, {"wm.0", 10}}}},
                       true});
  }
  auto first = mongo->BulkUpdate(collection, updates);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->upserted, 3);
  auto second = mongo->BulkUpdate(collection, updates);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->matched, 3);

  auto docs =
      mongo->Find(collection, {{"_id", {{"$in", {"s0", "s1", "s2"}}}}}, {{"sort", {{"_id", 1}}}});
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  ASSERT_EQ(docs->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*docs)[i]["likes"].get<int64_t>(), 2 * (i + 1));
    EXPECT_EQ((*docs)[i]["wm"]["0"].get<int64_t>(), 10);
  }
}

TEST(MongoAdapter, ConditionalUpdateMatchesOnlyTheExpectedWatermark) {
  auto mongo = Connect();
  const std::string collection = test::UniqueName("streams");
  ASSERT_TRUE(mongo
                  ->BulkUpdate(collection,
                               {{{{"_id", "a"}}, {{"$set", {{"wm.2", 5}, {"likes", 1}}}}, true}})
                  .ok());
  auto stale = mongo->BulkUpdate(
      collection, {{{{"_id", "a"}, {"wm.2", 4}}, {{"$inc", {{"likes", 1}}}}, false}});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->matched, 0);
  auto fresh = mongo->BulkUpdate(
      collection, {{{{"_id", "a"}, {"wm.2", 5}}, {{"$inc", {{"likes", 1}}}}, false}});
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->matched, 1);
}

TEST(MongoAdapter, UniqueIndexReportsDuplicates) {
  auto mongo = Connect();
  const std::string collection = test::UniqueName("users");
  ASSERT_TRUE(mongo->CreateIndex(collection, {{"email", 1}}, true).ok());
  auto first = mongo->InsertOne(collection, {{"email", "a@example.com"}});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(*first, InsertOutcome::kInserted);
  auto second = mongo->InsertOne(collection, {{"email", "a@example.com"}});
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(*second, InsertOutcome::kDuplicateKey);
}

TEST(MongoAdapter, MalformedUriIsAClearError) {
  auto client = MongoClient::Create("mongodb://", "db");
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.status().message().find("MONGO_URI"), std::string::npos)
      << client.status().message();
}

TEST(MongoAdapter, UnreachableServerFailsWithinBoundedTime) {
  auto client = MongoClient::Create("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1000", "db");
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  Status s = (*client)->Ping();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("127.0.0.1:1"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace la
