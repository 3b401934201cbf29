// SocketAddress's IPv4 helpers: an address from its network-order value and back.
#include "common/address.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace rounds {
namespace {

TEST(SocketAddress, Ipv4RoundTripsInNetworkOrder) {
  auto a = SocketAddress::fromIpv4(htonl(0x7f000203), 5004);  // 127.0.2.3
  EXPECT_TRUE(a.isV4());
  EXPECT_EQ(a.toString(), "127.0.2.3:5004");
  EXPECT_EQ(a, *SocketAddress::parse("127.0.2.3", 5004));
  EXPECT_EQ(ntohl(SocketAddress::parse("10.100.0.1", 0)->ipv4()), 0x0a640001u);
  EXPECT_EQ(SocketAddress::parse("::1", 0)->ipv4(), 0u);
}

}  // namespace
}  // namespace rounds
