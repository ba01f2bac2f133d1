#include "tools/loadgen/loopback_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace la {
namespace {

using ::testing::HasSubstr;

TEST(LoopbackUrlTest, AcceptsLoopbackTargets) {
  struct Case {
    const char* url;
    const char* host;
    uint16_t port;
  };
  for (const Case& c :
       {Case{"http://127.0.0.1:8080", "127.0.0.1", 8080},
        Case{"http://127.0.0.1:8080/", "127.0.0.1", 8080},
        Case{"http://127.255.3.4:1", "127.255.3.4", 1},
        Case{"http://localhost:18080", "localhost", 18080},
        Case{"http://LocalHost", "LocalHost", 80}, Case{"http://[::1]:3001", "::1", 3001},
        Case{"http://[0:0:0:0:0:0:0:1]", "0:0:0:0:0:0:0:1", 80}}) {
    Result<LoopbackUrl> url = ParseLoopbackUrl(c.url);
    ASSERT_TRUE(url.ok()) << c.url << ": " << url.status().message();
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
  }
}

TEST(LoopbackUrlTest, RefusesHostsOutsideThisMachine) {
  for (const char* url : {"http://example.com", "http://10.0.0.1:8080", "http://0.0.0.0:8080",
                          "http://128.0.0.1", "http://127.1", "http://[::2]:80",
                          "http://[::ffff:127.0.0.1]", "http://localhost.example.com"}) {
    EXPECT_THAT(ParseLoopbackUrl(url).status().message(), HasSubstr("refusing to send load"))
        << url;
  }
}

TEST(LoopbackUrlTest, RefusesMalformedUrls) {
  EXPECT_THAT(ParseLoopbackUrl("https://127.0.0.1").status().message(), HasSubstr("http://"));
  EXPECT_THAT(ParseLoopbackUrl("127.0.0.1:8080").status().message(), HasSubstr("http://"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:8080/engagement").status().message(),
              HasSubstr("no path"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:0").status().message(), HasSubstr("1 to 65535"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:65536").status().message(), HasSubstr("65535"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:").status().message(), HasSubstr("port"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:80x").status().message(), HasSubstr("port"));
  EXPECT_THAT(ParseLoopbackUrl("http://:8080").status().message(), HasSubstr("no host"));
  EXPECT_THAT(ParseLoopbackUrl("http://[::1").status().message(), HasSubstr("unclosed"));
  EXPECT_THAT(ParseLoopbackUrl("http://[::1]x").status().message(), HasSubstr("after"));
}

TEST(LoopbackUrlTest, ErrorsQuoteTheUrl) {
  EXPECT_THAT(ParseLoopbackUrl("ftp://x").status().message(), HasSubstr("\"ftp://x\""));
}

}  // namespace
}  // namespace la
