// SharedUdp (--address-pool): the pool's bounds, each leg's address, and datagrams reaching the
// leg whose address they were sent to (and nobody once it detached).
#include "shared_udp.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

namespace rounds::load {
namespace {

struct Leg : UdpSocket::Listener {
  std::vector<std::string> from;
  void onUdpPacket(MutableBytes, const SocketAddress& f) override { from.push_back(f.toString()); }
};

TEST(SharedUdp, RefusesPoolsWithoutRoom) {
  boost::asio::io_context io;
  EXPECT_FALSE(SharedUdp::open(io, "::1", 2));
  EXPECT_FALSE(SharedUdp::open(io, "not-an-address", 2));
  EXPECT_FALSE(SharedUdp::open(io, "255.255.255.250", 10));  // past 255.255.255.255
  EXPECT_FALSE(SharedUdp::open(io, "127.255.255.250", 10));  // leaves 127.0.0.0/8
}

TEST(SharedUdp, EachLegGetsWhatWasSentToItsAddress) {
  boost::asio::io_context io;
  auto opened = SharedUdp::open(io, "127.0.1.250", 10);  // crosses into 127.0.2.x
  if (!opened && opened.error().message.find("CAP_NET_RAW") != std::string::npos)
    GTEST_SKIP() << opened.error().message;
  ASSERT_TRUE(opened) << opened.error().message;
  auto& shared = *opened.value();
  EXPECT_EQ(shared.addressOf(0).ip(), "127.0.1.250");
  EXPECT_EQ(shared.addressOf(9).ip(), "127.0.2.3");
  EXPECT_EQ(shared.addressOf(9).port(), shared.socket().localPort());

  Leg a, b, server;
  shared.attach(0, a);
  shared.attach(9, b);
  auto s = UdpSocket::bind(io, *SocketAddress::parse("127.0.0.1", 0), server);
  ASSERT_TRUE(s);
  auto& srv = *s.value();
  srv.start();
  std::array<uint8_t, 32> payload{};
  Bytes data(payload.data(), payload.size());
  srv.send(data, shared.addressOf(0));
  srv.send(data, shared.addressOf(9));
  srv.send(data, shared.addressOf(9));
  srv.send(data, shared.addressOf(5));  // a leg nobody attached
  srv.flush();
  // The legs answer from their own addresses, as the server must see them.
  shared.socket().sendFrom(data, *SocketAddress::parse("127.0.0.1", srv.localPort()),
                           shared.addressOf(9));
  shared.socket().flush();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((a.from.size() + b.from.size() + shared.unclaimed() < 4 || server.from.empty()) &&
         std::chrono::steady_clock::now() < deadline)
    io.run_one_for(std::chrono::milliseconds(50));
  EXPECT_EQ(a.from.size(), 1u);
  EXPECT_EQ(b.from.size(), 2u);
  EXPECT_EQ(shared.unclaimed(), 1u);
  ASSERT_EQ(server.from.size(), 1u);
  EXPECT_EQ(server.from[0], shared.addressOf(9).toString());

  shared.detach(0);
  srv.send(data, shared.addressOf(0));
  srv.flush();
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (shared.unclaimed() < 2 && std::chrono::steady_clock::now() < deadline)
    io.run_one_for(std::chrono::milliseconds(50));
  EXPECT_EQ(shared.unclaimed(), 2u);
  EXPECT_EQ(a.from.size(), 1u);
  srv.close();
}

}  // namespace
}  // namespace rounds::load
