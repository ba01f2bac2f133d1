// Frame headers, byte-exact against RFC 6455 §5.2 and its examples (§5.7: a single-
// frame unmasked text message "Hello" is 0x81 0x05 ...; the masked one 0x81 0x85 0x37 0xfa
// 0x21 0x3d ...; 256 bytes of binary data in one unmasked frame start 0x82 0x7E 0x01 0x00;
// 64 KiB start 0x82 0x7F then 8 bytes).
#include "socketio/protocol/websocket_frame.h"

#include <gtest/gtest.h>

#include <vector>

namespace la {
namespace {

std::vector<uint8_t> Bytes(const WebSocketFrameHeader& header) {
  return {header.view().begin(), header.view().end()};
}

TEST(WebSocketFrameTest, ShortTextFrameHasATwoByteHeader) {
  EXPECT_EQ(Bytes(ServerFrameHeader(false, 5)), (std::vector<uint8_t>{0x81, 0x05}));
  EXPECT_EQ(Bytes(ServerFrameHeader(false, 0)), (std::vector<uint8_t>{0x81, 0x00}));
  EXPECT_EQ(Bytes(ServerFrameHeader(false, 125)), (std::vector<uint8_t>{0x81, 0x7D}));
}

TEST(WebSocketFrameTest, MediumFramesCarryA16BitLength) {
  EXPECT_EQ(Bytes(ServerFrameHeader(true, 256)), (std::vector<uint8_t>{0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(Bytes(ServerFrameHeader(false, 126)), (std::vector<uint8_t>{0x81, 0x7E, 0x00, 0x7E}));
  EXPECT_EQ(Bytes(ServerFrameHeader(false, 65535)), (std::vector<uint8_t>{0x81, 0x7E, 0xFF, 0xFF}));
}

TEST(WebSocketFrameTest, LargeFramesCarryA64BitLength) {
  EXPECT_EQ(Bytes(ServerFrameHeader(true, 65536)),
            (std::vector<uint8_t>{0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
  EXPECT_EQ(Bytes(ServerFrameHeader(false, 0x0102030405060708ULL)),
            (std::vector<uint8_t>{0x81, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(WebSocketFrameTest, ClientFramesCarryTheirMaskingKey) {
  EXPECT_EQ(Bytes(FrameHeader(WebSocketOpcode::kText, 5, 0x37fa213d)),
            (std::vector<uint8_t>{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}));
  EXPECT_EQ(Bytes(FrameHeader(WebSocketOpcode::kBinary, 65536, 0x01020304)),
            (std::vector<uint8_t>{0x82, 0xFF, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 1, 2, 3, 4}));
}

TEST(WebSocketFrameTest, ControlFramesNameTheirOpcode) {
  EXPECT_EQ(Bytes(FrameHeader(WebSocketOpcode::kPong, 0)), (std::vector<uint8_t>{0x8A, 0x00}));
  EXPECT_EQ(Bytes(FrameHeader(WebSocketOpcode::kClose, 2)), (std::vector<uint8_t>{0x88, 0x02}));
}

}  // namespace
}  // namespace la
