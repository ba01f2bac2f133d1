// MongoClient's write concern: durable unless the URI chose one. Creating a
// client parses the URI and makes a pool; it connects to nothing.
#include <gtest/gtest.h>

#include "adapters/mongo_client.h"

namespace la {
namespace {

std::string WriteConcernOf(const std::string& uri) {
  Result<std::unique_ptr<MongoClient>> client = MongoClient::Create(uri, "db");
  EXPECT_TRUE(client.ok()) << client.status().message();
  return client.ok() ? (*client)->write_concern() : "";
}

TEST(MongoWriteConcern, IsMajorityAndJournaledByDefault) {
  EXPECT_EQ(WriteConcernOf("mongodb://127.0.0.1:1"), "w=majority, j=true");
  EXPECT_EQ(WriteConcernOf("mongodb://127.0.0.1:1/?appname=x"), "w=majority, j=true");
}

TEST(MongoWriteConcern, TheUrisChoiceWins) {
  EXPECT_EQ(WriteConcernOf("mongodb://127.0.0.1:1/?w=1"), "from the URI: w=1");
  EXPECT_EQ(WriteConcernOf("mongodb://127.0.0.1:1/?w=majority"), "from the URI: w=majority");
  EXPECT_EQ(WriteConcernOf("mongodb://127.0.0.1:1/?journal=false"),
            "from the URI: w=default, j=false");
}

}  // namespace
}  // namespace la
