// Integration: ICE restart after a network change. A participant connects, its network changes
// (a new local socket, so a new address), the server issues new ICE credentials
// (MediaEngine::restartIce), the participant nominates its new address with them, and media flows
// both ways again over the same DTLS-SRTP session.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "media/media_engine.hpp"
#include "proto/rtp.hpp"
#include "support/test_peer.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

struct Events : MediaEvents {
  std::vector<std::string> connected;
  std::vector<std::pair<std::string, std::string>> closed;
  void onMediaPeerConnected(const std::string& id) override { connected.push_back(id); }
  void onMediaPeerClosed(const std::string& id, const std::string& reason) override {
    closed.emplace_back(id, reason);
  }
};

class IceRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    MediaConfig c;
    c.listenAddress = "127.0.0.1";
    c.basePort = 0;
    c.keyFrameMinIntervalMs = 0;
    engine_ = std::make_unique<MediaEngine>(io_, c, events_);
    ASSERT_TRUE(engine_->start().ok());
    auto cert = Certificate::generate();
    ASSERT_TRUE(cert.ok());
    clientCert_ = cert.value();
  }
  void TearDown() override { engine_->stop(); }

  template <typename P>
  bool runUntil(P pred, std::chrono::milliseconds timeout = 3000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(10ms);
    }
    return pred();
  }

  // Posts pending commands and gives the worker a moment to apply them.
  void settle() {
    io_.restart();
    io_.poll();
    std::this_thread::sleep_for(50ms);
  }

  std::unique_ptr<test::TestPeer> connectPeer(const std::string& id) {
    std::optional<TransportDescription> d;
    engine_->createPeer(id, "room", [&](TransportDescription t) { d = t; });
    EXPECT_TRUE(runUntil([&] { return d.has_value(); }));
    auto peer = std::make_unique<test::TestPeer>(clientCert_);
    engine_->setRemoteParameters(id, peer->ufrag(), "sha-256", peer->fingerprint());
    settle();
    EXPECT_TRUE(peer->connect(d.value_or(TransportDescription{}), 5000ms)) << id;
    return peer;
  }

  std::optional<TransportDescription> restart(const std::string& id) {
    std::optional<TransportDescription> d;
    engine_->restartIce(id, [&](TransportDescription t) { d = t; });
    EXPECT_TRUE(runUntil([&] { return d.has_value(); }));
    return d;
  }

  // Sends `count` RTP packets from `from` (ssrc, seq from `seq0`) and counts those `to` gets.
  static int relay(test::TestPeer& from, test::TestPeer& to, uint32_t ssrc, uint16_t seq0,
                   int count) {
    std::vector<uint8_t> payload(200, 0x42);
    for (int i = 0; i < count; ++i)
      from.sendRtp(ssrc, static_cast<uint16_t>(seq0 + i), 960u * (seq0 + i), 111, payload);
    int got = 0;
    while (got < count) {
      auto p = to.receive(1000ms);
      if (!p) break;
      if (!p->rtcp) ++got;
    }
    return got;
  }

  boost::asio::io_context io_;
  Events events_;
  std::unique_ptr<MediaEngine> engine_;
  std::shared_ptr<Certificate> clientCert_;
};

TEST_F(IceRestart, MediaFlowsAgainFromANewAddressWithNewCredentials) {
  auto alice = connectPeer("alice");
  auto bob = connectPeer("bob");
  // Audio both ways: alice -> bob and bob -> alice.
  engine_->addProducer("alice", ProducerSpec{1, MediaKind::Audio, "0", 0xA1, 111, 48000, {}, 0});
  engine_->addProducer("bob", ProducerSpec{2, MediaKind::Audio, "0", 0xB1, 111, 48000, {}, 0});
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
  EXPECT_GE(fresh->icePwd.size(), 22u);  // RFC 8445 §5.3
  ASSERT_EQ(fresh->candidates.size(), 1u);
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
