// The Kafka adapters against the real broker: topic creation, keyed produce with
// acks, group consumption with manual commit, and bounded failures.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "adapters/kafka_admin.h"
#include "adapters/kafka_consumer.h"
#include "adapters/kafka_producer.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;

TEST(KafkaAdapter, EnsureTopicsIsIdempotent) {
  const std::string topic = test::UniqueName("it-topics");
  ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic, 6}}, 10s).ok());
  Status again = EnsureTopics(test::KafkaBrokers(), {{topic, 6}}, 10s);
  EXPECT_TRUE(again.ok()) << again.message();
  Result<int> partitions = CountPartitions(test::KafkaBrokers(), topic, 5s);
  ASSERT_TRUE(partitions.ok()) << partitions.status().message();
  EXPECT_EQ(*partitions, 6);
}

TEST(KafkaAdapter, KeyedMessagesRoundTripThroughAConsumerGroup) {
  const std::string topic = test::UniqueName("it-keyed");
  ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic, 4}}, 10s).ok());
  auto producer = KafkaProducer::Create({.brokers = test::KafkaBrokers()});
  ASSERT_TRUE(producer.ok()) << producer.status().message();

  // The same key always lands on the same partition.
  std::map<std::string, int32_t> partition_of_key;
  for (int i = 0; i < 40; ++i) {
    const std::string key = "stream-" + std::to_string(i % 8);
    DeliveryReport report =
        (*producer)->ProduceAndWait(topic, key, "value-" + std::to_string(i), {{"h", "v"}});
    ASSERT_TRUE(report.status.ok()) << report.status.message();
    auto [it, inserted] = partition_of_key.emplace(key, report.partition);
    EXPECT_EQ(it->second, report.partition) << key;
  }

  std::vector<RebalanceEvent> events;
  auto consumer = KafkaConsumer::Create(
      {.brokers = test::KafkaBrokers(), .group = test::UniqueName("it-group"), .topics = {topic}},
      [&](const RebalanceEvent& e) { events.push_back(e); });
  ASSERT_TRUE(consumer.ok()) << consumer.status().message();
  std::vector<KafkaMessage> received;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (received.size() < 40 && std::chrono::steady_clock::now() < deadline) {
    auto batch = (*consumer)->Poll(100, 200ms);
    if (batch.ok()) received.insert(received.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(received.size(), 40u);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().kind, RebalanceEvent::Kind::kAssigned);
  std::map<int32_t, int64_t> next;
  for (const KafkaMessage& m : received) {
    EXPECT_EQ(m.partition, partition_of_key.at(m.key)) << m.key;
    ASSERT_EQ(m.headers.size(), 1u);
    EXPECT_EQ(m.headers[0].value, "v");
    next[m.partition] = std::max(next[m.partition], m.offset + 1);
  }
  Status committed = (*consumer)->Commit(topic, next);
  ASSERT_TRUE(committed.ok()) << committed.message();
  std::vector<int32_t> partitions;
  for (auto& [p, o] : next) partitions.push_back(p);
  auto stored = (*consumer)->Committed(topic, partitions, 5s);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, next);
  EXPECT_TRUE((*consumer)->Close().ok());
}

TEST(KafkaAdapter, UnreachableBrokerFailsWithinTheDeliveryTimeout) {
  auto producer = KafkaProducer::Create({.brokers = "127.0.0.1:1", .delivery_timeout_ms = 1500});
  ASSERT_TRUE(producer.ok());
  const auto start = std::chrono::steady_clock::now();
  DeliveryReport report = (*producer)->ProduceAndWait("engagement-events", "k", "v");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(report.status.ok());
  EXPECT_NE(report.status.message().find("timed out"), std::string::npos)
      << report.status.message();
  EXPECT_LT(elapsed, 10s);
  EXPECT_FALSE((*producer)->Ping(500ms).ok());
  Status created = EnsureTopics("127.0.0.1:1", {{"x", 1}}, 1500ms);
  EXPECT_FALSE(created.ok());
}

TEST(KafkaAdapter, MalformedBrokerListIsAClearError) {
  auto producer = KafkaProducer::Create({.brokers = "127.0.0.1:9092", .linger_ms = -5});
  ASSERT_FALSE(producer.ok());
  EXPECT_NE(producer.status().message().find("linger.ms"), std::string::npos)
      << producer.status().message();
}

}  // namespace
}  // namespace la
