// Integration: real DTLS-SRTP media between in-process peers through a running MediaEngine
// (worker thread, one UDP port on loopback), driven the way the control plane drives it.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "media/media_engine.hpp"
#include "proto/rtcp.hpp"
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

class MediaLoopback : public ::testing::Test {
 protected:
  void SetUp() override {
    MediaConfig c;
    c.listenAddress = "127.0.0.1";
    c.basePort = 0;
    c.consentTimeoutMs = 2000;
    c.keyFrameMinIntervalMs = 0;
    engine_ = std::make_unique<MediaEngine>(io_, c, events_);
    ASSERT_TRUE(engine_->start().ok());
    auto cert = Certificate::generate();
    ASSERT_TRUE(cert.ok());
    clientCert_ = cert.value();
  }
  void TearDown() override { engine_->stop(); }

  // Runs the control loop until `pred` holds or the timeout passes.
  template <typename P>
  bool runUntil(P pred, std::chrono::milliseconds timeout = 3000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(10ms);
    }
    return pred();
  }

  TransportDescription createPeer(const std::string& id, const std::string& room) {
    std::optional<TransportDescription> d;
    engine_->createPeer(id, room, [&](TransportDescription t) { d = t; });
    EXPECT_TRUE(runUntil([&] { return d.has_value(); }));
    return d.value_or(TransportDescription{});
  }

  std::unique_ptr<test::TestPeer> connectPeer(const std::string& id, const std::string& room) {
    auto desc = createPeer(id, room);
    auto peer = std::make_unique<test::TestPeer>(clientCert_);
    engine_->setRemoteParameters(id, peer->ufrag(), "sha-256", peer->fingerprint());
    io_.restart();
    io_.poll();
    // The handshake runs on the test thread; the worker answers from its own thread.
    bool ok = peer->connect(desc, 5000ms);
    EXPECT_TRUE(ok) << id << " did not connect";
    EXPECT_TRUE(runUntil([&] {
      return std::find(events_.connected.begin(), events_.connected.end(), id) !=
             events_.connected.end();
    }));
    return peer;
  }

  WorkerStats stats() {
    std::optional<std::vector<WorkerStats>> s;
    engine_->stats([&](std::vector<WorkerStats> v) { s = v; });
    EXPECT_TRUE(runUntil([&] { return s.has_value(); }));
    return s && !s->empty() ? s->front() : WorkerStats{};
  }

  boost::asio::io_context io_;
  Events events_;
  std::unique_ptr<MediaEngine> engine_;
  std::shared_ptr<Certificate> clientCert_;
};

TEST_F(MediaLoopback, ForwardsRtpWithRewrittenSsrcAndContinuousSequence) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");

  ProducerSpec prod;
  prod.producerId = 1;
  prod.kind = MediaKind::Video;
  prod.mid = "1";
  prod.payloadType = 96;
  prod.clockRate = 90000;  // SSRC not announced: learned from the mid extension
  engine_->addProducer("alice", prod);
  ConsumerSpec cons;
  cons.consumerId = 2;
  cons.producerId = 1;
  cons.kind = MediaKind::Video;
  cons.ssrc = 0xB0B0B0B0;
  cons.payloadType = 96;
  cons.clockRate = 90000;
  engine_->addConsumer("bob", cons);
  io_.restart();
  io_.poll();
  std::this_thread::sleep_for(50ms);  // let the worker apply the commands

  constexpr int kPackets = 50;
  std::vector<uint8_t> payload(1000);
  for (int i = 0; i < kPackets; ++i) {
    for (size_t k = 0; k < payload.size(); ++k) payload[k] = static_cast<uint8_t>(i + k);
    alice->sendRtp(0xA11CE, static_cast<uint16_t>(60000 + i), 3000u * i, 96, payload, "1");
  }

  int received = 0;
  std::optional<uint16_t> lastSeq;
  while (received < kPackets) {
    auto p = bob->receive(2000ms);
    ASSERT_TRUE(p.has_value()) << "only " << received << " of " << kPackets << " arrived";
    if (p->rtcp) continue;  // e.g. nothing yet; SRs come only after the publisher sends one
    auto view = rtp::RtpView::parse(p->data);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->ssrc(), 0xB0B0B0B0u);
    EXPECT_EQ(view->payloadType(), 96);
    EXPECT_FALSE(view->extension(ExtensionIds::kMid).has_value())
        << "the publisher's mid must not reach the subscriber";
    if (lastSeq) EXPECT_EQ(view->sequenceNumber(), static_cast<uint16_t>(*lastSeq + 1));
    lastSeq = view->sequenceNumber();
    ASSERT_EQ(view->payloadSize(), payload.size());
    EXPECT_EQ(view->payload()[0], static_cast<uint8_t>(received));
    ++received;
  }
  EXPECT_EQ(received, kPackets);
  auto s = stats();
  EXPECT_GE(s.rtpForwarded, static_cast<uint64_t>(kPackets));
}

TEST_F(MediaLoopback, SubscriberPliBecomesPliToPublisher) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  ProducerSpec prod;
  prod.producerId = 1;
  prod.kind = MediaKind::Video;
  prod.mid = "1";
  prod.ssrc = 0xA11CE;
  prod.payloadType = 96;
  engine_->addProducer("alice", prod);
  ConsumerSpec cons{2, 1, MediaKind::Video, 0xB0B, 96, 90000};
  engine_->addConsumer("bob", cons);
  io_.restart();
  io_.poll();
  std::this_thread::sleep_for(50ms);

  // Adding the consumer already asked the publisher for a key frame (a new subscriber).
  auto sawPliFor = [&](uint32_t ssrc) {
    for (int i = 0; i < 20; ++i) {
      auto p = alice->receive(500ms);
      if (!p) return false;
      if (!p->rtcp) continue;
      rtcp::CompoundReader r(p->data);
      while (auto pkt = r.next())
        if (pkt->packetType == rtcp::kPayloadFeedback && rtcp::pliMediaSsrc(*pkt) == ssrc)
          return true;
    }
    return false;
  };
  EXPECT_TRUE(sawPliFor(0xA11CE));

  std::vector<uint8_t> pli(12);
  ASSERT_GT(rtcp::writePli(pli, 0x5555, 0xB0B), 0u);
  bob->sendRtcp(pli);
  EXPECT_TRUE(sawPliFor(0xA11CE)) << "the subscriber's PLI was not forwarded";
}

TEST_F(MediaLoopback, GarbageIsDroppedAndCountedWithoutDisturbingMedia) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  ProducerSpec prod{1, MediaKind::Audio, "0", 0xAAAA, 111, 48000};
  engine_->addProducer("alice", prod);
  ConsumerSpec cons{2, 1, MediaKind::Audio, 0xBBBB, 111, 48000};
  engine_->addConsumer("bob", cons);
  io_.restart();
  io_.poll();
  std::this_thread::sleep_for(50ms);

  // Hostile input from a participant's own tuple: bad STUN, RTP with bad auth, junk bytes.
  alice->sendRaw({0x00, 0x01, 0x00, 0x04, 0x21, 0x12});
  alice->sendRaw(std::vector<uint8_t>(200, 0x80));
  alice->sendRaw({0xFF, 0xFF, 0xFF});
  alice->sendRaw({});
  alice->sendRaw(std::vector<uint8_t>(40, 23));  // DTLS-looking garbage
  std::vector<uint8_t> opus(100, 7);
  alice->sendRtp(0xAAAA, 1, 960, 111, opus);
  alice->sendRtp(0x1234, 1, 960, 111, opus);  // unknown SSRC
  auto p = bob->receive(2000ms);
  while (p && p->rtcp) p = bob->receive(2000ms);
  ASSERT_TRUE(p.has_value()) << "media stopped after garbage";
  auto s = stats();
  EXPECT_GE(s.droppedMalformed + s.droppedAuth, 2u);
  EXPECT_GE(s.droppedUnknownSsrc, 1u);
}

TEST_F(MediaLoopback, ConsentExpiryClosesPeer) {
  auto alice = connectPeer("alice", "room1");
  // No more consent checks: the worker must notice within the (test) timeout of 2 s.
  EXPECT_TRUE(runUntil([&] { return !events_.closed.empty(); }, 5000ms));
  ASSERT_FALSE(events_.closed.empty());
  EXPECT_EQ(events_.closed[0].first, "alice");
  EXPECT_EQ(events_.closed[0].second, "timeout");
}

TEST_F(MediaLoopback, DtlsCloseNotifyClosesPeer) {
  auto alice = connectPeer("alice", "room1");
  alice->closeDtls();
  EXPECT_TRUE(runUntil([&] { return !events_.closed.empty(); }));
  ASSERT_FALSE(events_.closed.empty());
  EXPECT_EQ(events_.closed[0].second, "disconnected");
}

}  // namespace
}  // namespace rounds
