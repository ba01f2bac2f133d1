// Binary attachments, with the vectors of the Socket.IO protocol documentation
// ("Packet encoding") and of the official test suite.
#include "socketio/protocol/socketio_binary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

const json kPlaceholder0 = {{"_placeholder", true}, {"num", 0}};
const json kPlaceholder1 = {{"_placeholder", true}, {"num", 1}};

TEST(DecodeSioPacketHeaderTest, ABinaryEventIsTheEventItCarriesAndItsAttachmentCount) {
  Result<SioPacketHeader> header =
      DecodeSioPacketHeader(R"(51-["hello",{"_placeholder":true,"num":0}])");
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(header->packet.type, SioPacketType::kEvent);
  EXPECT_EQ(header->packet.nsp, "/");
  EXPECT_EQ(header->packet.data, json::array({"hello", kPlaceholder0}));
  EXPECT_EQ(header->attachments, 1u);
}

TEST(DecodeSioPacketHeaderTest, ABinaryAckKeepsItsNamespaceAndId) {
  Result<SioPacketHeader> header =
      DecodeSioPacketHeader(R"(61-/admin,456[{"_placeholder":true,"num":0}])");
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(header->packet.type, SioPacketType::kAck);
  EXPECT_EQ(header->packet.nsp, "/admin");
  EXPECT_EQ(header->packet.id, 456u);
  EXPECT_EQ(header->attachments, 1u);
}

TEST(DecodeSioPacketHeaderTest, TheTestSuitesEventWithTwoAttachmentsAndAnAckId) {
  Result<SioPacketHeader> header = DecodeSioPacketHeader(
      R"(52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(header->packet.id, 789u);
  EXPECT_EQ(header->attachments, 2u);
}

TEST(DecodeSioPacketHeaderTest, OtherPacketsDecodeAsWithoutAttachments) {
  Result<SioPacketHeader> header = DecodeSioPacketHeader(R"(2["hello",1])");
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->packet.type, SioPacketType::kEvent);
  EXPECT_EQ(header->attachments, 0u);
  EXPECT_FALSE(DecodeSioPacketHeader("abc").ok());
}

TEST(DecodeSioPacketHeaderTest, RefusesAMissingOrMalformedCount) {
  for (std::string_view text : {R"(5["hello"])", R"(5-["hello"])", R"(5x-["hello"])",
                                R"(599999999999999999999999-["a"])", "5", R"(51["hello"])"}) {
    EXPECT_THAT(DecodeSioPacketHeader(text).status().message(), HasSubstr("attachment count"))
        << text;
  }
}

TEST(DecodeSioPacketHeaderTest, RefusesAMalformedCarriedPacket) {
  EXPECT_FALSE(DecodeSioPacketHeader(R"(51-{"not":"an array"})").ok());
  EXPECT_FALSE(DecodeSioPacketHeader(R"(61-[1])").ok());  // an ACK needs an id
}

TEST(WithAttachmentsTest, WritesTheCountAfterTheBinaryType) {
  EXPECT_EQ(WithAttachments(EncodeEvent("/", "hello", {kPlaceholder0}), 1),
            R"(51-["hello",{"_placeholder":true,"num":0}])");
  EXPECT_EQ(WithAttachments(EncodeAck("/admin", 456, {kPlaceholder0}), 1),
            R"(61-/admin,456[{"_placeholder":true,"num":0}])");
  EXPECT_EQ(WithAttachments(EncodeAck("/", 789, {kPlaceholder0, kPlaceholder1}), 2),
            R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
}

TEST(WithAttachmentsTest, RoundTrips) {
  const json data = json::array({"file", kPlaceholder0, "name"});
  Result<SioPacketHeader> header = DecodeSioPacketHeader(
      WithAttachments(EncodeSioPacket({SioPacketType::kEvent, "/custom", 12, data}), 1));
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(header->packet.nsp, "/custom");
  EXPECT_EQ(header->packet.id, 12u);
  EXPECT_EQ(header->packet.data, data);
  EXPECT_EQ(header->attachments, 1u);
}

}  // namespace
}  // namespace la
