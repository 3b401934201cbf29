// Integration: ICE restart after a network change. A participant connects, its network changes
// (a new local socket, so a new address), the server issues new ICE credentials
// (MediaEngine::restartIce), the participant nominates its new address with them, and media flows
// both ways again over the same DTLS-SRTP session.
#include "proto/rtp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

class IceRestart : public test::MediaEngineFixture {
 protected:
  std::unique_ptr<test::TestPeer> connectPeer(const std::string& id) {
    return MediaEngineFixture::connectPeer(id, "room");
  }

  std::optional<TransportDescription> restart(const std::string& id) {
    std::optional<TransportDescription> d;
    engine_->restartIce(id, [&](TransportDescription t) { d = t; });
    EXPECT_TRUE(runUntil([&] { return d.has_value(); }));
    return d;
  }
};

TEST_F(IceRestart, MediaFlowsAgainFromANewAddressWithNewCredentials) {
  auto alice = connectPeer("alice");
  auto bob = connectPeer("bob");
  // Audio both ways: alice -> bob and bob -> alice.
  engine_->addProducer("alice", test::opusProducer(1, 0xA1));
  engine_->addProducer("bob", test::opusProducer(2, 0xB1));
  engine_->addConsumer("bob", ConsumerSpec{3, 1, MediaKind::Audio, 0xA2, 111, 48000, 0, 0});
  engine_->addConsumer("alice", ConsumerSpec{4, 2, MediaKind::Audio, 0xB2, 111, 48000, 0, 0});
  settle();
  ASSERT_EQ(relay(*alice, *bob, 0xA1, 1, 10), 10);
  ASSERT_EQ(relay(*bob, *alice, 0xB1, 1, 10), 10);

  SocketAddress oldAddress = alice->local();
  std::string oldUfrag = alice->ufrag();
  // The old ufrag came from connectPeer's description; the restart must change both parts.
  auto fresh = restart("alice");
  ASSERT_TRUE(fresh.has_value());
  ASSERT_FALSE(fresh->iceUfrag.empty());
  EXPECT_GE(fresh->icePwd.size(), 22u);     // RFC 8445 §5.3
  ASSERT_EQ(fresh->candidates.size(), 2u);  // UDP and ICE-TCP, as in the first description
  EXPECT_EQ(fresh->candidates[0].protocol, "udp");
  EXPECT_EQ(fresh->candidates[1].protocol, "tcp");
  EXPECT_FALSE(fresh->fingerprintSha256.empty());

  // The network changes: alice's checks come from a new address with her new ufrag, nominated
  // before her answer reached the server (the worker accepts any remote ufrag until then).
  ASSERT_TRUE(alice->restartIce(*fresh, 3000ms, /*newSocket=*/true));
  EXPECT_FALSE(alice->local() == oldAddress);
  EXPECT_NE(alice->ufrag(), oldUfrag);
  engine_->setRemoteParameters("alice", alice->ufrag(), "sha-256", alice->fingerprint());
  settle();

  // Same DTLS-SRTP session, new path, both directions (sequence numbers carry on).
  EXPECT_EQ(relay(*alice, *bob, 0xA1, 11, 10), 10) << "alice -> bob after the restart";
  EXPECT_EQ(relay(*bob, *alice, 0xB1, 11, 10), 10) << "bob -> alice after the restart";
  EXPECT_TRUE(events_.closed.empty());
}

TEST_F(IceRestart, OldCredentialsAreRefusedAfterRestart) {
  auto alice = connectPeer("alice");
  auto first = restart("alice");
  ASSERT_TRUE(first && !first->iceUfrag.empty());
  // Checks with the first restart's credentials succeed; after a second restart they do not,
  // while the second restart's credentials do (same address: a restart without a move).
  ASSERT_TRUE(alice->restartIce(*first, 2000ms, /*newSocket=*/false));
  auto second = restart("alice");
  ASSERT_TRUE(second && !second->iceUfrag.empty());
  EXPECT_NE(second->iceUfrag, first->iceUfrag);
  EXPECT_FALSE(alice->restartIce(*first, 500ms, /*newSocket=*/false));
  EXPECT_TRUE(alice->restartIce(*second, 2000ms, /*newSocket=*/false));
}

TEST_F(IceRestart, UnknownPeerGetsAnEmptyDescription) {
  auto d = restart("nobody");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->iceUfrag.empty());
}

}  // namespace
}  // namespace rounds
