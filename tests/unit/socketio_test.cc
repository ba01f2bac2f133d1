// Socket.IO v5 packets. Vectors quoted from the protocol documentation (socket.io docs
// "Socket.IO protocol", github.com/socketio/socket.io-protocol, "Packet encoding" and
// "Sample session") and from its test-suite.
#include "socketio/protocol/socketio.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

SioPacket Packet(SioPacketType type, std::string nsp, std::optional<uint64_t> id,
                 json data = nullptr) {
  return SioPacket{type, std::move(nsp), id, std::move(data)};
}

struct DocVector {
  SioPacket packet;
  std::string encoded;
};

class SocketIoDocVectorTest : public ::testing::TestWithParam<DocVector> {};

TEST_P(SocketIoDocVectorTest, EncodesByteForByte) {
  EXPECT_EQ(EncodeSioPacket(GetParam().packet), GetParam().encoded);
}

TEST_P(SocketIoDocVectorTest, DecodesBackToThePacket) {
  Result<SioPacket> decoded = DecodeSioPacket(GetParam().encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  const SioPacket& expected = GetParam().packet;
  EXPECT_EQ(decoded->type, expected.type);
  EXPECT_EQ(decoded->nsp, expected.nsp);
  EXPECT_EQ(decoded->id, expected.id);
  EXPECT_EQ(decoded->data, expected.data);
}

using T = SioPacketType;

// The doc's tables, minus the BINARY_EVENT / BINARY_ACK rows (not supported).
INSTANTIATE_TEST_SUITE_P(
    Table, SocketIoDocVectorTest,
    ::testing::Values(
        // Connection to a namespace.
        DocVector{Packet(T::kConnect, "/", std::nullopt), "0"},
        DocVector{Packet(T::kConnect, "/", std::nullopt, {{"sid", "wZX3oN0bSVIhsaknAAAI"}}),
                  R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})"},
        DocVector{Packet(T::kConnect, "/admin", std::nullopt), "0/admin,"},
        DocVector{Packet(T::kConnect, "/admin", std::nullopt, {{"sid", "oSO0OpakMV_3jnilAAAA"}}),
                  R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})"},
        DocVector{Packet(T::kConnect, "/admin", std::nullopt, {{"token", "123"}}),
                  R"(0/admin,{"token":"123"})"},
        DocVector{Packet(T::kConnectError, "/", std::nullopt, {{"message", "Not authorized"}}),
                  R"(4{"message":"Not authorized"})"},
        // Sending and receiving data.
        DocVector{Packet(T::kEvent, "/", std::nullopt, {"foo"}), R"(2["foo"])"},
        DocVector{Packet(T::kEvent, "/admin", std::nullopt, {"bar"}), R"(2/admin,["bar"])"},
        // Acknowledgement.
        DocVector{Packet(T::kEvent, "/", 12, {"foo"}), R"(212["foo"])"},
        DocVector{Packet(T::kAck, "/", 12, json::array()), "312[]"},
        DocVector{Packet(T::kEvent, "/admin", 13, {"foo"}), R"(2/admin,13["foo"])"},
        DocVector{Packet(T::kAck, "/admin", 13, {"bar"}), R"(3/admin,13["bar"])"},
        DocVector{Packet(T::kAck, "/", 14, {"bar"}), R"(314["bar"])"},
        DocVector{Packet(T::kEvent, "/", 15, {"foo"}), R"(215["foo"])"},
        // Disconnection from a namespace.
        DocVector{Packet(T::kDisconnect, "/", std::nullopt), "1"},
        DocVector{Packet(T::kDisconnect, "/admin", std::nullopt), "1/admin,"},
        // Sample session: socket.emit('hey', 'Jude') and the namespace connection grant.
        DocVector{Packet(T::kEvent, "/", std::nullopt, {"hey", "Jude"}), R"(2["hey","Jude"])"},
        DocVector{Packet(T::kConnect, "/admin", std::nullopt, {{"sid", "-G5j-67EZFp-q59rADQM"}}),
                  R"(0/admin,{"sid":"-G5j-67EZFp-q59rADQM"})"},
        DocVector{Packet(T::kEvent, "/admin", 1, {"tellme"}), R"(2/admin,1["tellme"])"},
        // Test-suite: "should send a plain-text packet".
        DocVector{Packet(T::kEvent, "/", std::nullopt,
                         json::array({"message", 1, "2", {{"3", json::array({true})}}})),
                  R"(2["message",1,"2",{"3":[true]}])"},
        // The brief's own examples.
        DocVector{Packet(T::kEvent, "/", std::nullopt, {"hello", 1}), R"(2["hello",1])"},
        DocVector{Packet(T::kEvent, "/", 13, {"foo"}), R"(213["foo"])"}));

// Test-suite: the client may end the namespace without a comma when nothing follows
// ("40/custom", "41/custom").
TEST(SocketIoDecodeTest, NamespaceMayRunToTheEndOfThePacket) {
  Result<SioPacket> connect = DecodeSioPacket("0/custom");
  ASSERT_TRUE(connect.ok()) << connect.status().message();
  EXPECT_EQ(connect->type, SioPacketType::kConnect);
  EXPECT_EQ(connect->nsp, "/custom");
  EXPECT_TRUE(connect->data.is_null());

  Result<SioPacket> disconnect = DecodeSioPacket("1/custom");
  ASSERT_TRUE(disconnect.ok()) << disconnect.status().message();
  EXPECT_EQ(disconnect->type, SioPacketType::kDisconnect);
  EXPECT_EQ(disconnect->nsp, "/custom");
}

TEST(SocketIoDecodeTest, AcceptsTheLargestAckIdAndLeadingZeros) {
  Result<SioPacket> largest = DecodeSioPacket(R"(218446744073709551615["a"])");
  ASSERT_TRUE(largest.ok()) << largest.status().message();
  EXPECT_EQ(largest->id, 18446744073709551615u);

  Result<SioPacket> zero_padded = DecodeSioPacket("3007[]");
  ASSERT_TRUE(zero_padded.ok()) << zero_padded.status().message();
  EXPECT_EQ(zero_padded->id, 7u);
}

TEST(SocketIoDecodeTest, KeepsUnicodeAndNestedArguments) {
  Result<SioPacket> packet = DecodeSioPacket(R"(2/live,["subscribe","stream-é",{"a":[1,null]}])");
  ASSERT_TRUE(packet.ok()) << packet.status().message();
  EXPECT_EQ(packet->nsp, "/live");
  EXPECT_EQ(packet->data[1], "stream-é");
  EXPECT_EQ(packet->data[2]["a"][1], nullptr);
}

TEST(SocketIoDecodeTest, SurvivesDeeplyNestedJson) {
  const std::string text = "2" + std::string(100000, '[') + std::string(100000, ']');
  Result<SioPacket> packet = DecodeSioPacket(text);
  ASSERT_FALSE(packet.ok());
  EXPECT_THAT(packet.status().message(), HasSubstr("must be a string, got an array"));
}

struct MalformedPacket {
  std::string text;
  std::string expected_error;
};

class SocketIoMalformedPacketTest : public ::testing::TestWithParam<MalformedPacket> {};

TEST_P(SocketIoMalformedPacketTest, IsRejectedWithAClearMessage) {
  Result<SioPacket> packet = DecodeSioPacket(GetParam().text);
  ASSERT_FALSE(packet.ok()) << "accepted " << GetParam().text;
  EXPECT_THAT(packet.status().message(), HasSubstr(GetParam().expected_error));
}

INSTANTIATE_TEST_SUITE_P(
    Table, SocketIoMalformedPacketTest,
    ::testing::Values(
        MalformedPacket{"", "empty Socket.IO packet"},
        // Test-suite: "should disallow connection with an invalid handshake" sends "4abc".
        MalformedPacket{"abc", "unknown Socket.IO packet type in \"abc\""},
        MalformedPacket{"7[\"a\"]", "unknown Socket.IO packet type"},
        MalformedPacket{"-1", "unknown Socket.IO packet type"},
        // Binary attachments (the doc's BINARY_EVENT / BINARY_ACK examples).
        MalformedPacket{R"(51-["baz",{"_placeholder":true,"num":0}])",
                        "BINARY_EVENT packets (binary attachments) are not supported"},
        MalformedPacket{R"(61-15["bar",{"_placeholder":true,"num":0}])",
                        "BINARY_ACK packets (binary attachments) are not supported"},
        // Namespaces.
        MalformedPacket{R"(2/ad min,["a"])", "invalid namespace \"/ad min\""},
        MalformedPacket{"2/\x01,[\"a\"]", "invalid namespace \"/\\u0001\""},
        MalformedPacket{"0/caf\xc3\xa9,", "invalid namespace"},
        MalformedPacket{"0/" + std::string(200, 'a') + ",", "invalid namespace \"/aaaa"},
        // Ack ids.
        MalformedPacket{R"(218446744073709551616["a"])",
                        "ack id \"18446744073709551616\" does not fit in 64 bits"},
        MalformedPacket{"012", "CONNECT packet cannot carry an ack id, got 12"},
        MalformedPacket{"1/admin,5", "DISCONNECT packet cannot carry an ack id, got 5"},
        MalformedPacket{R"(47{"message":"x"})", "CONNECT_ERROR packet cannot carry an ack id"},
        MalformedPacket{"3[]", "ACK packet must carry the ack id it answers"},
        // JSON.
        MalformedPacket{R"(2["a")", "invalid JSON payload \"[\\\"a\\\"\" in EVENT packet"},
        MalformedPacket{R"(2["a"]x)", "invalid JSON payload"},
        MalformedPacket{R"(2/admin,abc)", "invalid JSON payload \"abc\""},
        MalformedPacket{"2[\"\xff\"]", "invalid JSON payload"},
        MalformedPacket{"2[\"" + std::string(100, 'x'), "invalid JSON payload \"[\\\"xxx"},
        // Payload shapes.
        MalformedPacket{"2",
                        "EVENT payload must be a non-empty array [\"name\", args...], got no "
                        "payload"},
        MalformedPacket{"2/admin,", "EVENT payload must be a non-empty array"},
        MalformedPacket{"2[]", "got an empty array"},
        MalformedPacket{R"(2{"a":1})", "got an object"},
        MalformedPacket{R"(2"foo")", "got a string"},
        MalformedPacket{"2[1]", "EVENT name (first array element) must be a string, got a number"},
        MalformedPacket{"2[null,1]", "must be a string, got null"},
        MalformedPacket{R"(2["connect"])", "EVENT name \"connect\" is reserved"},
        MalformedPacket{R"(2["disconnect","x"])", "EVENT name \"disconnect\" is reserved"},
        MalformedPacket{R"(2["newListener"])", "is reserved"},
        MalformedPacket{R"(0["a"])", "CONNECT payload must be an object, got an array"},
        MalformedPacket{"0null", "CONNECT payload must be an object, got null"},
        MalformedPacket{R"(0"token")", "CONNECT payload must be an object, got a string"},
        MalformedPacket{"1{}", "DISCONNECT packet must not have a payload"},
        MalformedPacket{"3/admin,13", "ACK payload must be an array, got no payload"},
        MalformedPacket{R"(31{"a":1})", "ACK payload must be an array, got an object"},
        MalformedPacket{R"(4"Not authorized")", "CONNECT_ERROR payload must be an object"},
        MalformedPacket{"4", "CONNECT_ERROR payload must be an object, got no payload"},
        MalformedPacket{"2null",
                        "EVENT payload must be a non-empty array [\"name\", args...], got null"}));

TEST(SocketIoEncodeTest, EncodeEventWrapsTheNameAndArguments) {
  EXPECT_EQ(EncodeEvent("/", "hello", {1}), R"(2["hello",1])");
  EXPECT_EQ(EncodeEvent("/admin", "a"), R"(2/admin,["a"])");
  EXPECT_EQ(EncodeEvent("/", "statsUpdate", {json::array()}), R"(2["statsUpdate",[]])");
  EXPECT_EQ(EncodeEvent("/", "statsUpdate", {json::array({{{"streamId", "s1"}, {"likes", 42}}})}),
            R"(2["statsUpdate",[{"likes":42,"streamId":"s1"}]])");
  EXPECT_EQ(EncodeEvent("/live", "likeCount", {{{"streamId", "s1"}, {"likes", 3}}}),
            R"(2/live,["likeCount",{"likes":3,"streamId":"s1"}])");
  EXPECT_EQ(EncodeEvent("/", "two", {"a", nullptr}), R"(2["two","a",null])");
}

TEST(SocketIoEncodeTest, EncodedEventsDecodeBack) {
  const std::string text = EncodeEvent("/live", "likeCount", {{{"streamId", "s"}, {"likes", 1}}});
  Result<SioPacket> packet = DecodeSioPacket(text);
  ASSERT_TRUE(packet.ok()) << packet.status().message();
  EXPECT_EQ(packet->data, json::array({"likeCount", {{"streamId", "s"}, {"likes", 1}}}));
}

// A broadcast is batched into polling bodies as is: its text must never contain the Engine.IO
// record separator, whatever the data.
TEST(SocketIoEncodeTest, EscapesControlCharactersSoTextCanBeBatched) {
  const std::string text = EncodeEvent("/", "x",
                                       {std::string("a\x1e"
                                                    "b\n")});
  EXPECT_EQ(text, R"(2["x","a\u001eb\n"])");
  EXPECT_EQ(text.find('\x1e'), std::string::npos);
}

TEST(SocketIoEncodeTest, InvalidUtf8IsReplacedNotThrown) {
  EXPECT_EQ(EncodeEvent("/", "x", {std::string("a\xff")}), "2[\"x\",\"a\xef\xbf\xbd\"]");
}

TEST(SocketIoEncodeTest, AckAndConnectReplies) {
  EXPECT_EQ(EncodeAck("/", 12, {}), "312[]");
  EXPECT_EQ(EncodeAck("/live", 7, {{{"streamId", "s1"}, {"likes", 3}}}),
            R"(3/live,7[{"likes":3,"streamId":"s1"}])");
  EXPECT_EQ(EncodeConnectAccepted("/", "wZX3oN0bSVIhsaknAAAI"),
            R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})");
  EXPECT_EQ(EncodeConnectAccepted("/admin", "oSO0OpakMV_3jnilAAAA"),
            R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})");
  EXPECT_EQ(EncodeConnectError("/", "Not authorized"), R"(4{"message":"Not authorized"})");
  // Test-suite: "should disallow connection to an unknown namespace".
  EXPECT_EQ(EncodeConnectError("/random", "Invalid namespace"),
            R"(4/random,{"message":"Invalid namespace"})");
}

TEST(SocketIoNamespaceTest, AcceptsOnlySlashAndPrintableAscii) {
  EXPECT_TRUE(IsValidNamespace("/"));
  EXPECT_TRUE(IsValidNamespace("/live"));
  EXPECT_TRUE(IsValidNamespace("/a/b-c_d.e"));
  EXPECT_TRUE(IsValidNamespace("/" + std::string(127, 'a')));
  EXPECT_FALSE(IsValidNamespace("/" + std::string(128, 'a')));
  EXPECT_FALSE(IsValidNamespace(""));
  EXPECT_FALSE(IsValidNamespace("live"));
  EXPECT_FALSE(IsValidNamespace("/a,b"));
  EXPECT_FALSE(IsValidNamespace("/a b"));
  EXPECT_FALSE(IsValidNamespace("/\x7f"));
}

}  // namespace
}  // namespace la
