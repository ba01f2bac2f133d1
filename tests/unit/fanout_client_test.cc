// The pure parts of la-fanout-client (tools/fanout/): WebSocket framing, the packets it
// reads (publish time extraction), the /proc parsers and its flags.
#include <gtest/gtest.h>

#include "core/realtime/stream_updates.h"
#include "socketio/protocol/socketio.h"
#include "tools/fanout/client_options.h"
#include "tools/fanout/fanout_packet.h"
#include "tools/fanout/proc_sample.h"
#include "tools/fanout/websocket_frame.h"

namespace la::fanout {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(FanoutWebSocketFrame, DecodesWhatItEncodesAtEveryLengthForm) {
  for (size_t size : {0, 5, 125, 126, 65535, 65536, 70000}) {
    const std::string payload(size, 'x');
    std::string frame;
    AppendWsFrame(frame, WebSocketOpcode::kText, payload, std::nullopt);
    auto header = DecodeWsFrameHeader(Bytes(frame), false, 1 << 20);
    ASSERT_TRUE(header.ok()) << header.status().message();
    ASSERT_TRUE(header->has_value());
    EXPECT_EQ((*header)->payload_size, size);
    EXPECT_EQ((*header)->frame_size(), frame.size());
    EXPECT_EQ((*header)->opcode, WebSocketOpcode::kText);
    EXPECT_TRUE((*header)->fin);
    // Every strict prefix of the header asks for more bytes.
    for (size_t cut = 0; cut < (*header)->header_size; ++cut) {
      auto partial = DecodeWsFrameHeader(Bytes(frame).first(cut), false, 1 << 20);
      ASSERT_TRUE(partial.ok());
      EXPECT_FALSE(partial->has_value()) << "cut " << cut;
    }
  }
}

TEST(FanoutWebSocketFrame, MasksClientFramesAndUnmasksThem) {
  std::string frame;
  AppendWsFrame(frame, WebSocketOpcode::kText, "40{\"token\":\"t\"}", 0x01020304);
  EXPECT_EQ(static_cast<uint8_t>(frame[1]), 0x80 | 15);
  auto header = DecodeWsFrameHeader(Bytes(frame), true, 1 << 20);
  ASSERT_TRUE(header.ok() && header->has_value());
  EXPECT_EQ((*header)->mask, 0x01020304u);
  std::string payload = frame.substr((*header)->header_size);
  EXPECT_NE(payload, "40{\"token\":\"t\"}");
  ApplyWsMask({reinterpret_cast<uint8_t*>(payload.data()), payload.size()}, *(*header)->mask);
  EXPECT_EQ(payload, "40{\"token\":\"t\"}");
}

TEST(FanoutWebSocketFrame, RefusesMalformedFrames) {
  const auto fails = [](std::string_view bytes, bool masked, uint64_t max) {
    return !DecodeWsFrameHeader(Bytes(bytes), masked, max).ok();
  };
  using namespace std::string_view_literals;              // the headers hold NUL bytes
  EXPECT_TRUE(fails("\xc1\x01x"sv, false, 100));          // RSV1 without an extension
  EXPECT_TRUE(fails("\x83\x01x"sv, false, 100));          // opcode 3 is reserved
  EXPECT_TRUE(fails("\x81\x81\0\0\0\0x"sv, false, 100));  // masked from the server
  EXPECT_TRUE(fails("\x81\x01x"sv, true, 100));           // unmasked from a client
  EXPECT_TRUE(fails("\x09\x01x"sv, false, 100));          // fragmented ping
  EXPECT_TRUE(fails("\x89\x7e\x00\x80"sv, false, 1000));  // 128-byte ping
  EXPECT_TRUE(fails("\x81\x7e\x01\x00"sv, false, 255));   // over the limit
  EXPECT_FALSE(fails("\x81\x7e\x01\x00"sv, false, 256));
}

TEST(FanoutPacket, ReadsThePublishTimeFromTheApiNodesEncoding) {
  // Exactly what LikeFeed::Publish sends: keys sorted, so "likes" comes first.
  const std::vector<StreamTotal> totals = {{"other", 5}, {"fanout-bench", 1795940220123456}};
  const std::string text = "4" + EncodeEvent("/", "statsUpdate", {StreamTotalsJson(totals)});
  auto packet = ClassifyServerPacket(text, "fanout-bench");
  ASSERT_TRUE(packet.ok()) << packet.status().message();
  EXPECT_EQ(packet->kind, ServerPacketKind::kStatsUpdate);
  EXPECT_EQ(packet->publish_us, 1795940220123456);
}

TEST(FanoutPacket, ReadsWhatTheCeilingSendsForAPublishedUpdate) {
  const std::string text = EncodeStatsUpdateEvent(EncodeBenchUpdate("fanout-bench", 42));
  EXPECT_EQ(text, R"(42["statsUpdate",[{"streamId":"fanout-bench","likes":42}]])");
  auto packet = ClassifyServerPacket(text, "fanout-bench");
  ASSERT_TRUE(packet.ok()) << packet.status().message();
  EXPECT_EQ(packet->publish_us, 42);
}

TEST(FanoutPacket, AnUpdateWithoutTheBenchStreamHasNoPublishTime) {
  for (const char* text : {R"(42["statsUpdate",[]])",
                           R"(42["statsUpdate",[{"likes":3,"streamId":"fanout-benchmark"}]])"}) {
    auto packet = ClassifyServerPacket(text, "fanout-bench");
    ASSERT_TRUE(packet.ok()) << text << ": " << packet.status().message();
    EXPECT_EQ(packet->kind, ServerPacketKind::kStatsUpdate);
    EXPECT_FALSE(packet->publish_us.has_value()) << text;
  }
}

TEST(FanoutPacket, ClassifiesTheHandshakeAndHeartbeat) {
  const std::pair<const char*, ServerPacketKind> cases[] = {
      {R"(0{"sid":"abc","upgrades":[],"pingInterval":25000})", ServerPacketKind::kOpen},
      {"2", ServerPacketKind::kPing},
      {"3", ServerPacketKind::kOther},
      {R"(40{"sid":"xyz"})", ServerPacketKind::kConnectAck},
      {R"(44{"message":"Invalid token"})", ServerPacketKind::kConnectError},
      {"41", ServerPacketKind::kDisconnect},
      {"1", ServerPacketKind::kClose},
      {R"(42["likeCount",{"likes":1,"streamId":"s"}])", ServerPacketKind::kOther},
  };
  for (const auto& [text, kind] : cases) {
    auto packet = ClassifyServerPacket(text, "fanout-bench");
    ASSERT_TRUE(packet.ok()) << text;
    EXPECT_EQ(packet->kind, kind) << text;
  }
}

TEST(FanoutPacket, CountsMalformedPacketsAsErrors) {
  for (const char* text : {
           "",
           "9",
           "0",
           "4",
           R"(42["statsUpdate",)",
           R"(42["statsUpdate",[{"likes":1,"streamId":"fanout-bench"}])",
           R"(42["statsUpdate",[{"likes":1,"streamId":"fanout-bench"}]]x)",
           R"(42["statsUpdate",[{"likes":-1,"streamId":"fanout-bench"}]])",
           R"(42["statsUpdate",[{"likes":"1","streamId":"fanout-bench"}]])",
           R"(42["statsUpdate",[{"streamId":"fanout-bench"}]])",
           R"(42["statsUpdate",[{"likes":1,"streamId":"fanout-bench","x":1}]])",
           R"(42["statsUpdate",[{"likes":1,"streamId":"fanout-bench}]])",
           R"(42["statsUpdate",{"likes":1}])",
       }) {
    EXPECT_FALSE(ClassifyServerPacket(text, "fanout-bench").ok()) << text;
  }
}

TEST(FanoutPacket, EncodesPublishLikeRedisCli) {
  EXPECT_EQ(EncodeRespPublish("stream-updates", "[1]"),
            "*3\r\n$7\r\nPUBLISH\r\n$14\r\nstream-updates\r\n$3\r\n[1]\r\n");
}

TEST(FanoutProcSample, ReadsCpuTicksAfterTheProcessName) {
  // The name may contain spaces and parentheses; utime = 17 and stime = 4 here.
  const std::string stat =
      "1234 (la api) (x)) S 1 1234 1234 0 -1 4194560 100 0 0 0 17 4 0 0 20 0 3 0 5 1000 50";
  auto ticks = CpuTicksFromStat(stat);
  ASSERT_TRUE(ticks.ok()) << ticks.status().message();
  EXPECT_EQ(*ticks, 21u);
  EXPECT_FALSE(CpuTicksFromStat("1234 (x) S 1 2").ok());
  EXPECT_FALSE(CpuTicksFromStat("no parenthesis").ok());
}

TEST(FanoutProcSample, ReadsRssFromStatus) {
  auto rss = RssKbFromStatus("Name:\tla-api\nVmPeak:\t  900 kB\nVmRSS:\t   12345 kB\nThreads: 3\n");
  ASSERT_TRUE(rss.ok()) << rss.status().message();
  EXPECT_EQ(*rss, 12345u);
  EXPECT_FALSE(RssKbFromStatus("Name:\tx\n").ok());
}

TEST(FanoutProcSample, SamplesThisProcess) {
  auto rss = SampleRssKb(0);
  ASSERT_TRUE(rss.ok()) << rss.status().message();
  EXPECT_GT(*rss, 0u);
  EXPECT_TRUE(SampleCpuMicros(0).ok());
}

TEST(FanoutClientOptions, ParsesTheLadderAndRefusesBadValues) {
  bool help = false;
  auto options = ParseClientOptions({"--port", "3701", "--publish-port", "3702", "--token", "t",
                                     "--clients", "5000,10000,20000", "--rate", "10"},
                                    help);
  ASSERT_TRUE(options.ok()) << options.status().message();
  EXPECT_EQ(options->steps, (std::vector<int>{5000, 10000, 20000}));
  EXPECT_EQ(options->rate, 10);
  const std::vector<std::string> base = {"--port", "1", "--publish-port", "2", "--token", "t"};
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--clients", "10000,5000"},
                                                {"--clients", "10,,20"},
                                                {"--rate", "0"},
                                                {"--rate", "fast"},
                                                {"--duration-s", "1e9"},
                                                {"--nope", "1"},
                                                {"--port"}}) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    auto bad = ParseClientOptions(args, help);
    ASSERT_FALSE(bad.ok()) << extra[0];
    EXPECT_NE(bad.status().message().find(extra[0]), std::string::npos) << bad.status().message();
  }
  EXPECT_FALSE(ParseClientOptions({"--port", "1"}, help).ok());  // no token, no publish port
  EXPECT_TRUE(ParseClientOptions({"--help"}, help).ok() && help);
}

}  // namespace
}  // namespace la::fanout
