// TcpMediaServer (ICE-TCP, RFC 6544 with RFC 4571 framing) against a plain blocking client socket:
// frames split and coalesced across reads, framed sends, bad lengths, idle connections.
#include "net/tcp_media_server.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace rounds {
namespace {

struct Recorder : TcpMediaServer::Listener {
  std::vector<std::string> packets;
  std::vector<SocketAddress> from;
  int closed = 0;
  std::function<void(MutableBytes, const SocketAddress&)> onPacket;
  void onTcpPacket(MutableBytes data, const SocketAddress& f) override {
    packets.emplace_back(reinterpret_cast<const char*>(data.data()), data.size());
    from.push_back(f);
    if (onPacket) onPacket(data, f);
  }
  void onTcpClosed(const SocketAddress&) override { ++closed; }
};

std::string frame(const std::string& payload) {
  std::string f;
  f.push_back(static_cast<char>(payload.size() >> 8));
  f.push_back(static_cast<char>(payload.size() & 0xff));
  return f + payload;
}

class TcpMediaServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = TcpMediaServer::listen(io_, *SocketAddress::parse("127.0.0.1", 0), rec_, clock_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    server_ = std::move(s.value());
    server_->start();
  }
  void TearDown() override {
    for (int fd : clients_) ::close(fd);
  }

  int connectClient() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server_->localPort());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    clients_.push_back(fd);
    return fd;
  }
  void write(int fd, const std::string& bytes) {
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Runs the loop until `done` holds (or 2 s pass).
  bool runUntil(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  // Runs the loop for a short while (for "nothing happens" checks and pending writes).
  void settle() {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(100));
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  Recorder rec_;
  std::unique_ptr<TcpMediaServer> server_;
  std::vector<int> clients_;
};

TEST_F(TcpMediaServerTest, DeliversFramesSplitAndCoalescedAcrossReads) {
  int fd = connectClient();
  ASSERT_TRUE(runUntil([&] { return server_->connections() == 1; }));
  // Two frames in one write, then a third whose header and body arrive separately.
  write(fd, frame("first") + frame("second"));
  ASSERT_TRUE(runUntil([&] { return rec_.packets.size() == 2; }));
  std::string third = frame(std::string(1500, 'x'));
  write(fd, third.substr(0, 1));
  settle();  // nothing complete yet
  EXPECT_EQ(rec_.packets.size(), 2u);
  write(fd, third.substr(1, 700));
  write(fd, third.substr(701));
  ASSERT_TRUE(runUntil([&] { return rec_.packets.size() == 3; }));
  EXPECT_EQ(rec_.packets[0], "first");
  EXPECT_EQ(rec_.packets[1], "second");
  EXPECT_EQ(rec_.packets[2], std::string(1500, 'x'));
  EXPECT_TRUE(rec_.from[0].isTcp());
  EXPECT_EQ(server_->counters().framesReceived, 3u);
}

TEST_F(TcpMediaServerTest, SendsFramedPacketsToTheConnectionThatSentFrom) {
  int fd = connectClient();
  rec_.onPacket = [&](MutableBytes data, const SocketAddress& from) {
    std::string reply = "re:" + std::string(reinterpret_cast<const char*>(data.data()), data.size());
    server_->send(Bytes(reinterpret_cast<const uint8_t*>(reply.data()), reply.size()), from);
  };
  write(fd, frame("ping"));
  ASSERT_TRUE(runUntil([&] { return server_->counters().framesSent == 1; }));
  settle();  // let the async write finish
  char buf[64];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_EQ(n, 9);
  EXPECT_EQ(std::string(buf, 9), frame("re:ping"));
}

TEST_F(TcpMediaServerTest, ZeroOrOverlongLengthClosesTheConnection) {
  int good = connectClient();
  int bad = connectClient();
  ASSERT_TRUE(runUntil([&] { return server_->connections() == 2; }));
  write(bad, std::string("\xff\xff", 2) + "junk");
  ASSERT_TRUE(runUntil([&] { return rec_.closed == 1; }));
  EXPECT_EQ(server_->counters().badFrames, 1u);
  EXPECT_EQ(server_->connections(), 1u);
  EXPECT_TRUE(rec_.packets.empty());
  // The other connection is not disturbed.
  write(good, frame("still here"));
  ASSERT_TRUE(runUntil([&] { return rec_.packets.size() == 1; }));
  char c;
  EXPECT_EQ(::recv(bad, &c, 1, 0), 0) << "the bad connection must be closed";
}

TEST_F(TcpMediaServerTest, IdleConnectionsAreClosedAndUnknownDestinationsCounted) {
  int fd = connectClient();
  ASSERT_TRUE(runUntil([&] { return server_->connections() == 1; }));
  write(fd, frame("hello"));
  ASSERT_TRUE(runUntil([&] { return rec_.packets.size() == 1; }));
  clock_.advance(TcpMediaServer::kIdleTimeout / 2);
  server_->onTick(clock_.now());
  EXPECT_EQ(server_->connections(), 1u);
  clock_.advance(TcpMediaServer::kIdleTimeout);
  server_->onTick(clock_.now());
  EXPECT_EQ(server_->connections(), 0u);
  EXPECT_EQ(rec_.closed, 1);
  uint8_t b = 0;
  server_->send(Bytes(&b, 1), rec_.from[0]);
  EXPECT_EQ(server_->counters().droppedNoConnection, 1u);
}

TEST(SocketAddressTcp, TcpTupleNeverEqualsTheUdpOneWithTheSameAddress) {
  auto udp = *SocketAddress::parse("127.0.0.1", 5000);
  auto tcp = udp;
  tcp.setTcp(true);
  EXPECT_FALSE(udp == tcp);
  EXPECT_NE(udp.hash(), tcp.hash());
}

}  // namespace
}  // namespace rounds
