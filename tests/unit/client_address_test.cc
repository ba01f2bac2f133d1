#include "core/requests/client_address.h"

#include <gtest/gtest.h>

namespace la {
namespace {

TrustedProxies Loopback() { return *TrustedProxies::Parse("127.0.0.0/8,::1/128"); }

TEST(ClientAddressTest, BelievesTheHeaderOnlyFromATrustedProxy) {
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.7", "", Loopback()), "203.0.113.7");
  EXPECT_EQ(ClientAddress("198.51.100.1", "203.0.113.7", "203.0.113.7", Loopback()),
            "198.51.100.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "", "", Loopback()), "127.0.0.1");
}

TEST(ClientAddressTest, TakesTheLastForwardedForEntryWhenThereIsNoRealIp) {
  // nginx appends the address it saw; what the client wrote comes first.
  EXPECT_EQ(ClientAddress("::1", "", "1.2.3.4, 203.0.113.9", Loopback()), "203.0.113.9");
}

TEST(ClientAddressTest, AHeaderThatIsNotAnAddressIsIgnored) {
  EXPECT_EQ(ClientAddress("127.0.0.1", "bucket-of-my-choice", "x", Loopback()), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", " 2001:DB8::1 ", "", Loopback()), "2001:db8::1");
}

TEST(TrustedProxiesTest, MatchesNetworksOfAnyPrefix) {
  auto proxies = TrustedProxies::Parse("10.0.0.0/8, 192.168.1.7 ,fd00::/8,172.16.0.0/12");
  ASSERT_TRUE(proxies.ok()) << proxies.status().message();
  EXPECT_TRUE(proxies->Contains("10.200.3.4"));
  EXPECT_TRUE(proxies->Contains("192.168.1.7"));
  EXPECT_FALSE(proxies->Contains("192.168.1.8"));
  EXPECT_TRUE(proxies->Contains("172.31.255.1"));
  EXPECT_FALSE(proxies->Contains("172.32.0.1"));
  EXPECT_TRUE(proxies->Contains("fd12::1"));
  EXPECT_FALSE(proxies->Contains("fe80::1"));
  EXPECT_FALSE(proxies->Contains("not an address"));
  EXPECT_TRUE(TrustedProxies::Parse("")->empty());
  EXPECT_FALSE(TrustedProxies::Parse("")->Contains("127.0.0.1"));
}

TEST(TrustedProxiesTest, AMalformedEntryIsAnErrorNamingIt) {
  for (const char* bad : {"10.0.0.0/33", "localhost", "10.0.0.0/x", "::1/129", "1.2.3"}) {
    auto proxies = TrustedProxies::Parse(bad);
    ASSERT_FALSE(proxies.ok()) << bad;
    EXPECT_NE(proxies.status().message().find(bad), std::string::npos)
        << proxies.status().message();
  }
}

}  // namespace
}  // namespace la
