// What a server makes of a client's messages: packets checked against limits that fit what
// they are for, before they are parsed; binary attachments gathered; nothing parsed held.
#include "socketio/protocol/packet_assembler.h"

#include <gtest/gtest.h>

#include <string>

namespace la {
namespace {

const SioPacketLimits kLimits{.max_connect_bytes = 40,
                              .max_event_bytes = 60,
                              .max_attachments = 2,
                              .max_attachment_bytes = 10};

TEST(SioPacketAssemblerTest, APacketWithoutAttachmentsComesBackAtOnce) {
  SioPacketAssembler assembler(kLimits);
  auto taken = assembler.Take(R"(2["hello",1])", false);
  ASSERT_TRUE(taken.ok()) << taken.status().message();
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->packet.type, SioPacketType::kEvent);
  EXPECT_EQ((*taken)->packet.data, nlohmann::json::parse(R"(["hello",1])"));
  EXPECT_EQ(assembler.held_bytes(), 0u);
}

TEST(SioPacketAssemblerTest, EachKindOfPacketHasItsOwnSizeLimit) {
  const std::string connect = R"(0{"token":")" + std::string(24, 'x') + R"("})";  // 38 bytes
  EXPECT_TRUE(SioPacketAssembler(kLimits).Take(connect, false).ok());
  auto big_connect =
      SioPacketAssembler(kLimits).Take(R"(0{"token":")" + std::string(30, 'x') + R"("})", false);
  ASSERT_FALSE(big_connect.ok());
  EXPECT_EQ(big_connect.status().message(),
            "a CONNECT packet of 43 bytes, more than the 40 this server takes");
  const std::string event = R"(2["e",")" + std::string(40, 'x') + R"("])";  // 50 bytes
  EXPECT_TRUE(SioPacketAssembler(kLimits).Take(event, false).ok());
  auto big_event =
      SioPacketAssembler(kLimits).Take(R"(2["e",")" + std::string(60, 'x') + R"("])", false);
  ASSERT_FALSE(big_event.ok());
  EXPECT_EQ(big_event.status().message(),
            "a packet of 69 bytes, more than the 60 this server takes");
}

TEST(SioPacketAssemblerTest, AttachmentsAreGatheredAndTheHeaderIsHeldAsText) {
  const std::string header =
      R"(52-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])";
  SioPacketAssembler roomy(
      {.max_event_bytes = 100, .max_attachments = 2, .max_attachment_bytes = 10});
  auto first = roomy.Take(header, false);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(first->has_value());
  EXPECT_EQ(roomy.held_bytes(), header.size());
  EXPECT_FALSE(roomy.Take("abc", true)->has_value());
  auto complete = roomy.Take("de", true);
  ASSERT_TRUE(complete.ok() && complete->has_value());
  EXPECT_EQ((*complete)->packet.type, SioPacketType::kEvent);
  EXPECT_EQ((*complete)->attachments, (std::vector<std::string>{"abc", "de"}));
  EXPECT_EQ(roomy.held_bytes(), 0u);
}

TEST(SioPacketAssemblerTest, AttachmentsOverTheirLimitsAreRefused) {
  SioPacketAssembler too_many(kLimits);
  EXPECT_EQ(too_many.Take(R"(53-["x"])", false).status().message(),
            "a packet announces 3 attachments, more than 2");
  SioPacketAssembler too_big(kLimits);
  ASSERT_TRUE(too_big.Take(R"(51-["x"])", false).ok());
  EXPECT_EQ(too_big.Take(std::string(11, 'b'), true).status().message(),
            "the attachments of one packet exceed 10 bytes");
  SioPacketAssembler unannounced(kLimits);
  EXPECT_FALSE(unannounced.Take("b", true).ok());
  SioPacketAssembler interrupted(kLimits);
  ASSERT_TRUE(interrupted.Take(R"(51-["x"])", false).ok());
  EXPECT_EQ(interrupted.Take(R"(2["y"])", false).status().message(),
            "a text packet arrived while 1 attachments were still expected");
}

}  // namespace
}  // namespace la
