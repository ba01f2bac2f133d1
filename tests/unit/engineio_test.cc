// Engine.IO v4 framing. Vectors quoted from the protocol documentation
// (socket.io docs "Engine.IO protocol", github.com/socketio/engine.io-protocol) and its
// test-suite, which a conformant server must pass.
#include "socketio/protocol/engineio.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

namespace la {
namespace {

using ::testing::HasSubstr;

EioPacket Text(EioPacketType type, std::string data = "") {
  return EioPacket{type, std::move(data), /*binary=*/false};
}
EioPacket Binary(std::string bytes) {
  return EioPacket{EioPacketType::kMessage, std::move(bytes), /*binary=*/true};
}

TEST(EngineIoPacketTest, EncodesEachTypeAsItsDigit) {
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kOpen, "{}")), "0{}");
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kClose)), "1");
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kPing)), "2");
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kPong)), "3");
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kMessage, "hello")), "4hello");
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kUpgrade)), "5");
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kNoop)), "6");
}

// Doc, "Upgrade": the client sends "2probe", the server answers "3probe", the client "5".
TEST(EngineIoPacketTest, DecodesTheUpgradeProbe) {
  Result<EioPacket> probe = DecodePacketText("2probe");
  ASSERT_TRUE(probe.ok()) << probe.status().message();
  EXPECT_EQ(*probe, Text(EioPacketType::kPing, "probe"));
  EXPECT_EQ(EncodePacketText(Text(EioPacketType::kPong, probe->data)), "3probe");

  Result<EioPacket> upgrade = DecodePacketText("5");
  ASSERT_TRUE(upgrade.ok());
  EXPECT_EQ(*upgrade, Text(EioPacketType::kUpgrade));
}

// Doc, "Packet encoding / HTTP long-polling": "4hello\x1e2\x1e4world".
TEST(EngineIoPayloadTest, DocExampleWithThreeTextPackets) {
  const std::string body =
      "4hello\x1e"
      "2\x1e"
      "4world";
  const std::vector<EioPacket> packets = {Text(EioPacketType::kMessage, "hello"),
                                          Text(EioPacketType::kPing),
                                          Text(EioPacketType::kMessage, "world")};
  EXPECT_EQ(EncodePayload(packets), body);
  Result<std::vector<EioPacket>> decoded = DecodePayload(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, packets);
}

// Doc: "4hello\x1ebAQIDBA==" — b = binary prefix, AQIDBA== = buffer <01 02 03 04>.
TEST(EngineIoPayloadTest, DocExampleWithABase64BinaryPacket) {
  const std::string body =
      "4hello\x1e"
      "bAQIDBA==";
  const std::vector<EioPacket> packets = {Text(EioPacketType::kMessage, "hello"),
                                          Binary(std::string("\x01\x02\x03\x04", 4))};
  EXPECT_EQ(EncodePayload(packets), body);
  Result<std::vector<EioPacket>> decoded = DecodePayload(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, packets);
}

// Test-suite: POST "4test1\x1e4test2\x1e4test3" is echoed back unchanged.
TEST(EngineIoPayloadTest, TestSuiteBodyRoundTrips) {
  const std::string body =
      "4test1\x1e"
      "4test2\x1e"
      "4test3";
  Result<std::vector<EioPacket>> decoded = DecodePayload(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ((*decoded)[2], Text(EioPacketType::kMessage, "test3"));
  EXPECT_EQ(EncodePayload(*decoded), body);
}

TEST(EngineIoPayloadTest, SinglePacketBodyHasNoSeparator) {
  const std::vector<EioPacket> packets = {Text(EioPacketType::kNoop)};
  EXPECT_EQ(EncodePayload(packets), "6");
}

// Doc, "Packet encoding / WebSocket": "4hello" in a text frame; binary sent as is.
TEST(EngineIoWebSocketTest, TextPacketIsATextFrameAndBinaryIsRawBytes) {
  EXPECT_EQ(EncodeWebSocketFrame(Text(EioPacketType::kMessage, "hello")),
            (WebSocketFrame{"4hello", /*binary=*/false}));
  const std::string bytes("\x01\x02\x03\x04", 4);
  EXPECT_EQ(EncodeWebSocketFrame(Binary(bytes)), (WebSocketFrame{bytes, /*binary=*/true}));

  Result<EioPacket> from_binary = DecodeWebSocketFrame(bytes, /*binary=*/true);
  ASSERT_TRUE(from_binary.ok());
  EXPECT_EQ(*from_binary, Binary(bytes));
  Result<EioPacket> from_text = DecodeWebSocketFrame("4hello", /*binary=*/false);
  ASSERT_TRUE(from_text.ok());
  EXPECT_EQ(*from_text, Text(EioPacketType::kMessage, "hello"));
}

TEST(EngineIoWebSocketTest, BinaryFrameStartingWithADigitIsStillRawData) {
  Result<EioPacket> packet = DecodeWebSocketFrame("4abc", /*binary=*/true);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(*packet, Binary("4abc"));
}

TEST(EngineIoPacketTest, Base64RoundTripsEveryPaddingLengthAndEveryByte) {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  for (size_t length = 0; length <= all_bytes.size(); ++length) {
    const EioPacket packet = Binary(all_bytes.substr(0, length));
    const std::string text = EncodePacketText(packet);
    EXPECT_EQ(text.size(), 1 + (length + 2) / 3 * 4) << "length " << length;
    Result<EioPacket> decoded = DecodePacketText(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(*decoded, packet);
  }
  EXPECT_EQ(EncodePacketText(Binary("\x01")), "bAQ==");
  EXPECT_EQ(EncodePacketText(Binary("\x01\x02")), "bAQI=");
  EXPECT_EQ(EncodePacketText(Binary("\xfb\xff")), "b+/8=");
}

TEST(EngineIoPacketTest, TextDataIsNotInterpreted) {
  // UTF-8 from the v3->v4 history section ("€" broke character counting in v3).
  Result<std::vector<EioPacket>> decoded = DecodePayload(
      "4€\x1e"
      "4{\"a\":[1]}");
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ((*decoded)[0], Text(EioPacketType::kMessage, "€"));
  EXPECT_EQ((*decoded)[1], Text(EioPacketType::kMessage, "{\"a\":[1]}"));
}

struct MalformedBody {
  std::string body;
  std::string expected_error;
};

class EngineIoMalformedPayloadTest : public ::testing::TestWithParam<MalformedBody> {};

TEST_P(EngineIoMalformedPayloadTest, IsRejectedWithAClearMessage) {
  Result<std::vector<EioPacket>> decoded = DecodePayload(GetParam().body);
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(decoded.status().message(), HasSubstr(GetParam().expected_error));
}

INSTANTIATE_TEST_SUITE_P(
    Table, EngineIoMalformedPayloadTest,
    ::testing::Values(
        // Test-suite: POST "abc" must be answered with HTTP 400.
        MalformedBody{"abc", "packet 1 of the polling body: unknown Engine.IO packet type 'a'"},
        MalformedBody{"", "packet 1 of the polling body: empty Engine.IO packet"},
        MalformedBody{"4a\x1e\x1e"
                      "4b",
                      "packet 2 of the polling body: empty Engine.IO packet"},
        MalformedBody{"4a\x1e", "packet 2 of the polling body: empty"},
        MalformedBody{"\x1e"
                      "4a",
                      "packet 1 of the polling body: empty"},
        MalformedBody{"7", "unknown Engine.IO packet type '7'"},
        MalformedBody{"4ok\x1e"
                      "9",
                      "packet 2 of the polling body: unknown Engine.IO packet type '9'"},
        MalformedBody{"\x01", "unknown Engine.IO packet type byte 0x01"},
        MalformedBody{"42\x1e"
                      "bAQ",
                      "packet 2 of the polling body: bad binary Engine.IO packet: "
                      "base64 text must be a multiple of 4 characters long, got 2"},
        MalformedBody{"bAQ!D", "invalid base64 character '!' at offset 2"},
        MalformedBody{"bAQIDBA-_", "invalid base64 character '-' at offset 6"},  // base64url
        MalformedBody{"bAQID\nA==", "invalid base64 character byte 0x0a at offset 4"},
        MalformedBody{"bA===", "invalid base64 character '=' at offset 1"},
        MalformedBody{"bA=AA", "invalid base64 character '=' at offset 1"},
        MalformedBody{"bAQ==AQ==", "invalid base64 character '=' at offset 2"},
        MalformedBody{"bAQIDBA", "multiple of 4 characters long, got 6"}));

// Doc, "Handshake": the example open packet, byte for byte.
TEST(EngineIoOpenPacketTest, MatchesTheDocExampleByteForByte) {
  EXPECT_EQ(
      EncodeOpenPacket("lv_VI97HAXpY6yYWAAAC", {"websocket"}, std::chrono::milliseconds(25000),
                       std::chrono::milliseconds(20000), 1000000),
      R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,)"
      R"("pingTimeout":20000,"maxPayload":1000000})");
}

// Test-suite: a WebSocket-only session is offered no upgrades.
TEST(EngineIoOpenPacketTest, WebSocketSessionOffersNoUpgrades) {
  EXPECT_EQ(EncodeOpenPacket("lv_VI97HAXpY6yYWAAAC", {}, std::chrono::milliseconds(300),
                             std::chrono::milliseconds(200), 1000000),
            R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":300,)"
            R"("pingTimeout":200,"maxPayload":1000000})");
}

TEST(EngineIoSidTest, FifteenBytesGiveTwentyBase64UrlCharacters) {
  std::array<uint8_t, kSidRandomBytes> zeros{};
  EXPECT_EQ(EncodeSid(zeros), "AAAAAAAAAAAAAAAAAAAA");

  std::array<uint8_t, kSidRandomBytes> ones{};
  ones.fill(0xFF);
  EXPECT_EQ(EncodeSid(ones), "____________________");

  std::array<uint8_t, kSidRandomBytes> mixed = {0xFB, 0xEF, 0xBE, 0x00, 0x01, 0x02, 0x03, 0x04,
                                                0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B};
  const std::string sid = EncodeSid(mixed);
  EXPECT_EQ(sid, "----AAECAwQFBgcICQoL");
  EXPECT_TRUE(IsWellFormedSid(sid));
}

TEST(EngineIoSidTest, RecognisesOnlyTheShapeItIssues) {
  EXPECT_TRUE(IsWellFormedSid("lv_VI97HAXpY6yYWAAAC"));  // from the doc
  EXPECT_TRUE(IsWellFormedSid("oSO0OpakMV_3jnilAAAA"));
  EXPECT_FALSE(IsWellFormedSid(""));
  EXPECT_FALSE(IsWellFormedSid("lv_VI97HAXpY6yYWAAA"));    // 19 characters
  EXPECT_FALSE(IsWellFormedSid("lv_VI97HAXpY6yYWAAACx"));  // 21 characters
  EXPECT_FALSE(IsWellFormedSid("lv_VI97HAXpY6yYWAA+C"));   // standard base64 character
  EXPECT_FALSE(IsWellFormedSid("lv_VI97HAXpY6yYWAA C"));
}

TEST(EngineIoErrorTest, MessagesAndStatusesMatchTheReferenceServer) {
  const std::array<std::pair<EioErrorCode, std::string_view>, 6> expected = {{
      {EioErrorCode::kUnknownTransport, "Transport unknown"},
      {EioErrorCode::kUnknownSid, "Session ID unknown"},
      {EioErrorCode::kBadHandshakeMethod, "Bad handshake method"},
      {EioErrorCode::kBadRequest, "Bad request"},
      {EioErrorCode::kForbidden, "Forbidden"},
      {EioErrorCode::kUnsupportedProtocolVersion, "Unsupported protocol version"},
  }};
  for (const auto& [code, message] : expected) {
    EXPECT_EQ(EioErrorMessage(code), message);
    EXPECT_EQ(EioErrorHttpStatus(code), code == EioErrorCode::kForbidden ? 403 : 400);
  }
  EXPECT_EQ(EncodeEioErrorBody(EioErrorCode::kUnknownSid),
            R"({"code":1,"message":"Session ID unknown"})");
  EXPECT_EQ(EncodeEioErrorBody(EioErrorCode::kUnknownTransport),
            R"({"code":0,"message":"Transport unknown"})");
  EXPECT_EQ(EncodeEioErrorBody(EioErrorCode::kUnsupportedProtocolVersion),
            R"({"code":5,"message":"Unsupported protocol version"})");
}

constexpr std::string_view kSid = "lv_VI97HAXpY6yYWAAAC";

EioRequestInfo PollingHandshake() {
  return EioRequestInfo{.eio = "4", .transport = "polling", .sid = std::nullopt, .method = "GET"};
}

TEST(EngineIoRequestTest, AcceptsAPollingHandshake) {
  auto checked = CheckEioRequest(PollingHandshake());
  ASSERT_TRUE(std::holds_alternative<EioRequest>(checked)) << std::get<EioError>(checked).reason;
  const EioRequest& request = std::get<EioRequest>(checked);
  EXPECT_EQ(request.transport, EioTransport::kPolling);
  EXPECT_TRUE(request.is_handshake());
}

TEST(EngineIoRequestTest, AcceptsPollingGetAndPostForASession) {
  for (std::string_view method : {"GET", "POST"}) {
    EioRequestInfo info = PollingHandshake();
    info.sid = kSid;
    info.method = method;
    auto checked = CheckEioRequest(info);
    ASSERT_TRUE(std::holds_alternative<EioRequest>(checked)) << method;
    EXPECT_EQ(std::get<EioRequest>(checked).sid, std::string(kSid));
    EXPECT_FALSE(std::get<EioRequest>(checked).is_handshake());
  }
}

TEST(EngineIoRequestTest, AcceptsWebSocketOnlySessionsAndUpgrades) {
  EioRequestInfo info{.eio = "4",
                      .transport = "websocket",
                      .sid = std::nullopt,
                      .method = "GET",
                      .is_websocket_upgrade = true};
  auto handshake = CheckEioRequest(info);
  ASSERT_TRUE(std::holds_alternative<EioRequest>(handshake));
  EXPECT_EQ(std::get<EioRequest>(handshake).transport, EioTransport::kWebSocket);
  EXPECT_TRUE(std::get<EioRequest>(handshake).is_handshake());

  info.sid = kSid;  // upgrade of a polling session
  auto upgrade = CheckEioRequest(info);
  ASSERT_TRUE(std::holds_alternative<EioRequest>(upgrade));
  EXPECT_EQ(std::get<EioRequest>(upgrade).sid, std::string(kSid));
}

struct RefusedRequest {
  std::string name;
  EioRequestInfo info;
  EioErrorCode expected_code;
  std::string expected_reason;
};

class EngineIoRefusedRequestTest : public ::testing::TestWithParam<RefusedRequest> {};

TEST_P(EngineIoRefusedRequestTest, GetsTheReferenceServersErrorCode) {
  auto checked = CheckEioRequest(GetParam().info);
  ASSERT_TRUE(std::holds_alternative<EioError>(checked));
  const EioError& error = std::get<EioError>(checked);
  EXPECT_EQ(error.code, GetParam().expected_code);
  EXPECT_THAT(error.reason, HasSubstr(GetParam().expected_reason));
}

// The test-suite's "fails with an invalid ... query parameter" and "invalid request method"
// cases come first; all of them are HTTP 400.
INSTANTIATE_TEST_SUITE_P(
    Table, EngineIoRefusedRequestTest,
    ::testing::Values(
        RefusedRequest{"MissingEio",
                       {.transport = "polling", .method = "GET"},
                       EioErrorCode::kUnsupportedProtocolVersion,
                       "missing query parameter \"EIO\" (only Engine.IO v4"},
        RefusedRequest{"NonNumericEio",
                       {.eio = "abc", .transport = "polling", .method = "GET"},
                       EioErrorCode::kUnsupportedProtocolVersion,
                       "unsupported protocol version EIO=\"abc\""},
        RefusedRequest{"Eio3",
                       {.eio = "3", .transport = "polling", .method = "GET"},
                       EioErrorCode::kUnsupportedProtocolVersion,
                       "EIO=\"3\""},
        RefusedRequest{"MissingTransport",
                       {.eio = "4", .method = "GET"},
                       EioErrorCode::kUnknownTransport,
                       "missing query parameter \"transport\""},
        RefusedRequest{"UnknownTransport",
                       {.eio = "4", .transport = "abc", .method = "GET"},
                       EioErrorCode::kUnknownTransport,
                       "unknown transport \"abc\""},
        RefusedRequest{"TransportCheckedBeforeVersion",
                       {.eio = "3", .transport = "flashsocket", .method = "GET"},
                       EioErrorCode::kUnknownTransport,
                       "\"flashsocket\""},
        RefusedRequest{"PostHandshake",
                       {.eio = "4", .transport = "polling", .method = "POST"},
                       EioErrorCode::kBadHandshakeMethod,
                       "the handshake must be a GET request, got \"POST\""},
        RefusedRequest{"PutHandshake",
                       {.eio = "4", .transport = "polling", .method = "PUT"},
                       EioErrorCode::kBadHandshakeMethod,
                       "got \"PUT\""},
        RefusedRequest{"PutOnSession",
                       {.eio = "4", .transport = "polling", .sid = kSid, .method = "PUT"},
                       EioErrorCode::kBadRequest,
                       "method \"PUT\" is not allowed"},
        RefusedRequest{"EmptySid",
                       {.eio = "4", .transport = "polling", .sid = "", .method = "GET"},
                       EioErrorCode::kUnknownSid,
                       "session id \"\" was not issued"},
        RefusedRequest{"MalformedSid",
                       {.eio = "4", .transport = "polling", .sid = "x\ny", .method = "GET"},
                       EioErrorCode::kUnknownSid,
                       "session id \"x\\ny\""},
        RefusedRequest{"WebSocketWithoutUpgrade",
                       {.eio = "4", .transport = "websocket", .method = "GET"},
                       EioErrorCode::kBadRequest,
                       "needs a WebSocket upgrade request"},
        RefusedRequest{"PollingAsUpgrade",
                       {.eio = "4",
                        .transport = "polling",
                        .sid = kSid,
                        .method = "GET",
                        .is_websocket_upgrade = true},
                       EioErrorCode::kBadRequest,
                       "cannot be used for a WebSocket upgrade"}),
    [](const ::testing::TestParamInfo<RefusedRequest>& info) { return info.param.name; });

}  // namespace
}  // namespace la
