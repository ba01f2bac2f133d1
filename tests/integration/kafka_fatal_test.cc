// A fatal producer error (as the idempotent producer raises when it loses its
// sequence): before, the librdkafka producer stayed broken and every later like
// was answered 503 until the api node was restarted; now it is rebuilt.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "adapters/kafka_admin.h"
#include "adapters/kafka_producer.h"
#include "tests/integration/test_env.h"

namespace la {
namespace {

using namespace std::chrono_literals;

TEST(KafkaProducerFatal, AFatalErrorRebuildsTheProducerAndLaterMessagesAreDelivered) {
  const std::string topic = test::UniqueName("it-fatal");
  ASSERT_TRUE(EnsureTopics(test::KafkaBrokers(), {{topic, 1}}, 10s).ok());
  auto producer = KafkaProducer::Create({.brokers = test::KafkaBrokers()});
  ASSERT_TRUE(producer.ok()) << producer.status().message();
  DeliveryReport before = (*producer)->ProduceAndWait(topic, "k", "before");
  ASSERT_TRUE(before.status.ok()) << before.status.message();

  (*producer)->RaiseFatalErrorForTest("injected by the test");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((*producer)->FatalErrors() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ((*producer)->FatalErrors(), 1u);

  // Without a restart, the producer takes and delivers messages again.
  DeliveryReport after = (*producer)->ProduceAndWait(topic, "k", "after");
  for (int attempt = 0; !after.status.ok() && attempt < 20; ++attempt) {
    std::this_thread::sleep_for(250ms);  // the rebuild may still be under way
    after = (*producer)->ProduceAndWait(topic, "k", "after");
  }
  EXPECT_TRUE(after.status.ok()) << after.status.message();
  EXPECT_TRUE((*producer)->Ping(5s).ok());
}

}  // namespace
}  // namespace la
