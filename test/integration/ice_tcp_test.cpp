// Integration: ICE-TCP (RFC 6544, RFC 4571 framing) through a running MediaEngine. A participant
// whose network blocks UDP connects to the worker's passive TCP candidate; ICE, DTLS and SRTP run
// over the TCP connection, and media flows between it and a UDP participant both ways.
#include "proto/rtp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

class IceTcp : public test::MediaEngineFixture {};

TEST_F(IceTcp, DescriptionOffersAPassiveTcpCandidateOnTheWorkersTcpPort) {
  auto d = createPeer("alice", "room");
  ASSERT_EQ(d.candidates.size(), 2u);
  EXPECT_EQ(d.candidates[0].protocol, "udp");
  EXPECT_EQ(d.candidates[1].protocol, "tcp");
  WorkerStats s = stats();
  EXPECT_NE(s.tcpPort, 0);
  EXPECT_EQ(d.candidates[1].port, s.tcpPort);
  EXPECT_EQ(d.candidates[0].port, s.port);
}

TEST_F(IceTcp, MediaFlowsBetweenATcpAndAUdpParticipant) {
  auto alice = connectPeer("alice", "room", /*tcp=*/true);
  auto bob = connectPeer("bob", "room", /*tcp=*/false);
  ASSERT_TRUE(alice->connected());
  ASSERT_TRUE(bob->connected());
  EXPECT_EQ(stats().tcpConnections, 1u);

  engine_->addProducer("alice", test::opusProducer(1, 0xA1));
  engine_->addProducer("bob", test::opusProducer(2, 0xB1));
  engine_->addConsumer("bob", ConsumerSpec{3, 1, MediaKind::Audio, 0xA2, 111, 48000});
  engine_->addConsumer("alice", ConsumerSpec{4, 2, MediaKind::Audio, 0xB2, 111, 48000});
  settle();
  EXPECT_EQ(relay(*alice, *bob, 0xA1, 1, 50), 50) << "TCP publisher -> UDP subscriber";
  EXPECT_EQ(relay(*bob, *alice, 0xB1, 1, 50), 50) << "UDP publisher -> TCP subscriber";
  EXPECT_TRUE(events_.closed.empty());
}

TEST_F(IceTcp, AClosedConnectionIsForgottenAndOthersCarryOn) {
  auto alice = connectPeer("alice", "room", /*tcp=*/true);
  auto bob = connectPeer("bob", "room", /*tcp=*/true);
  ASSERT_TRUE(runUntil([&] { return stats().tcpConnections == 2; }));
  alice.reset();  // the browser's tab closes: its TCP connection goes away
  EXPECT_TRUE(runUntil([&] { return stats().tcpConnections == 1; }));
  engine_->addProducer("bob", test::opusProducer(2, 0xB1));
  auto carol = connectPeer("carol", "room", /*tcp=*/true);
  engine_->addConsumer("carol", ConsumerSpec{4, 2, MediaKind::Audio, 0xB2, 111, 48000});
  settle();
  EXPECT_EQ(relay(*bob, *carol, 0xB1, 1, 20), 20);
}

class IceTcpOff : public test::MediaEngineFixture {
 protected:
  IceTcpOff() { config_.tcpBasePort = 0; }
};

TEST_F(IceTcpOff, OnlyUdpIsOfferedWhenIceTcpIsOff) {
  auto d = createPeer("alice", "room");
  ASSERT_EQ(d.candidates.size(), 1u);
  EXPECT_EQ(d.candidates[0].protocol, "udp");
  EXPECT_EQ(stats().tcpPort, 0);
}

}  // namespace
}  // namespace rounds
