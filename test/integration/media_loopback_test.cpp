// Integration: real DTLS-SRTP media between in-process peers through a running MediaEngine
// (worker thread, one UDP port on loopback), driven the way the control plane drives it.
#include <set>

#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

// A recognisable 600-byte payload for each source sequence number.
std::vector<uint8_t> payloadFor(uint16_t seq) {
  std::vector<uint8_t> p(600);
  for (size_t k = 0; k < p.size(); ++k) p[k] = static_cast<uint8_t>(seq * 3 + k);
  return p;
}

class MediaLoopback : public test::MediaEngineFixture {
 protected:
  MediaLoopback() { config_.consentTimeoutMs = 2000; }  // ConsentExpiryClosesPeer waits for it

  // Alice publishes video (producer 1), Bob subscribes (consumer 2, SSRC 0xB0B).
  void videoPair(test::TestPeer&, test::TestPeer&, uint32_t consumerRtxSsrc) {
    ProducerSpec prod;
    prod.producerId = 1;
    prod.kind = MediaKind::Video;
    prod.mid = "1";
    prod.ssrc = 0xA11CE;
    prod.payloadType = 96;
    prod.rtxPayloadType = 97;  // RTX SSRC not announced: learned from the mid extension
    engine_->addProducer("alice", prod);
    ConsumerSpec cons;
    cons.consumerId = 2;
    cons.producerId = 1;
    cons.kind = MediaKind::Video;
    cons.ssrc = 0xB0B;
    cons.payloadType = 96;
    cons.rtxSsrc = consumerRtxSsrc;
    cons.rtxPayloadType = consumerRtxSsrc ? 97 : 0;
    engine_->addConsumer("bob", cons);
    settle();
  }

  // The next RTP packet `peer` receives (RTCP skipped).
  static std::optional<std::vector<uint8_t>> nextRtp(test::TestPeer& peer) {
    for (int i = 0; i < 50; ++i) {
      auto p = peer.receive(2000ms);
      if (!p) return std::nullopt;
      if (!p->rtcp) return p->data;
    }
    return std::nullopt;
  }

  // Reads RTCP until `match` accepts a packet of a compound (RTP skipped).
  template <typename F>
  static bool awaitRtcp(test::TestPeer& peer, F&& match) {
    for (int i = 0; i < 100; ++i) {
      auto p = peer.receive(1000ms);
      if (!p) return false;
      if (!p->rtcp) continue;
      rtcp::CompoundReader r(p->data);
      while (auto pkt = r.next())
        if (match(*pkt)) return true;
    }
    return false;
  }
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
    if (lastSeq) {
      EXPECT_EQ(view->sequenceNumber(), static_cast<uint16_t>(*lastSeq + 1));
    }
    lastSeq = view->sequenceNumber();
    ASSERT_EQ(view->payloadSize(), payload.size());
    EXPECT_EQ(view->payload()[0], static_cast<uint8_t>(received));
    ++received;
  }
  EXPECT_EQ(received, kPackets);
  auto s = stats();
  EXPECT_GE(s.rtpForwarded, static_cast<uint64_t>(kPackets));

  // The room ends with its last peer; its counts stay in the worker's (they only go up).
  engine_->closePeer("alice");
  engine_->closePeer("bob");
  io_.restart();
  io_.poll();
  std::this_thread::sleep_for(50ms);
  auto after = stats();
  EXPECT_EQ(after.peers, 0u);
  EXPECT_EQ(after.rtpForwarded, s.rtpForwarded);
}

// A browser's ClientHello can reach the worker before its answer does (the answer goes through
// the control thread). The server keeps it and answers once the answer arrives; dropping it left
// the newcomer waiting for its DTLS retransmission. This client would not retransmit for 30 s.
TEST_F(MediaLoopback, AClientHelloBeforeTheAnswerIsKeptNotDropped) {
  auto desc = createPeer("early", "r1");
  test::TestPeer peer(clientCert_);
  peer.setDtlsInitialTimeout(30s);
  bool ok = false;
  std::thread client([&] { ok = peer.connect(desc, 5000ms); });
  for (int i = 0; i < 200 && !peer.clientHelloSent(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(peer.clientHelloSent());
  std::this_thread::sleep_for(100ms);  // the ClientHello reaches the worker before the answer
  engine_->setRemoteParameters("early", peer.ufrag(), "sha-256", peer.fingerprint());
  settle();
  client.join();
  EXPECT_TRUE(ok) << "the early ClientHello was dropped";
  EXPECT_TRUE(runUntil([&] {
    return std::find(events_.connected.begin(), events_.connected.end(), "early") !=
           events_.connected.end();
  }));
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
  ConsumerSpec cons{2, 1, MediaKind::Video, 0xB0B, 96, 90000, 0, 0};
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
  ProducerSpec prod = test::opusProducer(1, 0xAAAA);
  engine_->addProducer("alice", prod);
  ConsumerSpec cons{2, 1, MediaKind::Audio, 0xBBBB, 111, 48000, 0, 0};
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
  // The unknown SSRC comes after the packet Bob got: the worker may not have counted it yet.
  WorkerStats s;
  for (int i = 0; i < 50; ++i) {
    s = stats();
    if (s.droppedMalformed + s.droppedAuth >= 2 && s.droppedUnknownSsrc >= 1) break;
    std::this_thread::sleep_for(20ms);
  }
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

// The worker ticks its peers 64 at a time (in id order), reading its socket between slices:
// the peers after the first slice must still be ticked. The first 64 stay alive (consent checks
// every 300 ms); the other six stop, and only they must time out. The stats show the ticks' and
// the receive queue's durations.
TEST_F(MediaLoopback, ConsentExpiryReachesPeersBeyondTheFirstTickSlice) {
  constexpr int kPeers = 70;
  constexpr int kAlive = 64;
  std::vector<std::unique_ptr<test::TestPeer>> peers;
  auto idOf = [](int i) {
    std::string n = std::to_string(i);
    return "p" + std::string(3 - n.size(), '0') + n;  // ordered as the worker orders them
  };
  auto keepAlive = [&] {
    for (size_t i = 0; i < peers.size() && i < static_cast<size_t>(kAlive); ++i)
      peers[i]->sendConsentCheck();
  };
  for (int i = 0; i < kPeers; ++i) {
    peers.push_back(connectPeer(idOf(i), "room1"));
    keepAlive();  // joining 70 takes longer than the test's 2 s consent timeout
  }
  WorkerStats s = stats();
  EXPECT_GT(s.tickDuration.count(), 0u);
  EXPECT_GT(s.receiveWait.count(), 0u);  // the handshakes' datagrams, kernel-timestamped
  auto deadline = std::chrono::steady_clock::now() + 6000ms;
  while (events_.closed.size() < static_cast<size_t>(kPeers - kAlive) &&
         std::chrono::steady_clock::now() < deadline) {
    keepAlive();
    runUntil([] { return false; }, 300ms);
  }
  std::set<std::string> closed;
  for (auto& [id, reason] : events_.closed) {
    EXPECT_EQ(reason, "timeout") << id;
    closed.insert(id);
  }
  std::set<std::string> expected;
  for (int i = kAlive; i < kPeers; ++i) expected.insert(idOf(i));
  EXPECT_EQ(closed, expected);
  EXPECT_GT(stats().statsDuration.count(), 0u);  // the earlier call
}

TEST_F(MediaLoopback, DtlsCloseNotifyClosesPeer) {
  auto alice = connectPeer("alice", "room1");
  alice->closeDtls();
  EXPECT_TRUE(runUntil([&] { return !events_.closed.empty(); }));
  ASSERT_FALSE(events_.closed.empty());
  EXPECT_EQ(events_.closed[0].second, "disconnected");
}

TEST_F(MediaLoopback, PublisherGapIsNackedAndItsRtxIsUnwrappedAndForwarded) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  videoPair(*alice, *bob, 0);

  // 102 and 103 are "lost" on the way to the server.
  for (uint16_t seq : {100, 101, 104})
    alice->sendRtp(0xA11CE, seq, 3000u * seq, 96, payloadFor(seq), "1");
  std::vector<uint16_t> asked;
  EXPECT_TRUE(awaitRtcp(*alice, [&](const rtcp::PacketView& p) {
    auto media = rtcp::forEachNack(p, [&](uint16_t s) { asked.push_back(s); });
    return media == 0xA11CEu;
  })) << "the server did not NACK the publisher";
  EXPECT_EQ(asked, (std::vector<uint16_t>{102, 103}));

  std::vector<uint16_t> bobSeqs;
  for (int i = 0; i < 3; ++i) {
    auto p = nextRtp(*bob);
    ASSERT_TRUE(p);
    bobSeqs.push_back(rtp::RtpView::parse(*p)->sequenceNumber());
  }
  // The publisher answers with RTX (RFC 4588): OSN first, on its own SSRC and payload type.
  auto rtxPayload = payloadFor(102);
  rtxPayload.insert(rtxPayload.begin(), {0, 102});
  alice->sendRtp(0xA11CF, 7, 3000u * 102, 97, rtxPayload, "1");
  auto repaired = nextRtp(*bob);
  ASSERT_TRUE(repaired) << "the publisher's retransmission was not forwarded";
  auto v = rtp::RtpView::parse(*repaired);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->ssrc(), 0xB0Bu);
  EXPECT_EQ(v->payloadType(), 96);
  EXPECT_EQ(v->sequenceNumber(), static_cast<uint16_t>(bobSeqs[0] + 2));  // 100 -> first
  auto expected = payloadFor(102);
  EXPECT_TRUE(
      std::equal(expected.begin(), expected.end(), v->payload().begin(), v->payload().end()));
  // The same retransmission again is a duplicate: not forwarded twice.
  alice->sendRtp(0xA11CF, 8, 3000u * 102, 97, rtxPayload, "1");
  alice->sendRtp(0xA11CE, 105, 3000u * 105, 96, payloadFor(105), "1");
  auto next = nextRtp(*bob);
  ASSERT_TRUE(next);
  EXPECT_EQ(rtp::RtpView::parse(*next)->sequenceNumber(), static_cast<uint16_t>(bobSeqs[0] + 5));
  auto s = stats();
  EXPECT_GE(s.nacksSent, 1u);
  EXPECT_EQ(s.rtxReceived, 2u);
}

// Alice sends `count` packets from `firstSeq`; the ones at `lost` never reach Bob (dropped
// before his SRTP), who NACKs them. Returns the sequence numbers of all `count` as Bob's
// transport carried them (dropped ones included).
std::vector<uint16_t> sendAndNack(test::TestPeer& alice, test::TestPeer& bob, int count,
                                  std::vector<size_t> lost, uint16_t firstSeq) {
  size_t index = 0;
  std::vector<uint16_t> seen;
  bob.dropRtp = [&](Bytes srtp) {
    seen.push_back(readU16(srtp.data() + 2));
    return std::find(lost.begin(), lost.end(), index++) != lost.end();
  };
  for (int i = 0; i < count; ++i) {
    uint16_t seq = static_cast<uint16_t>(firstSeq + i);
    alice.sendRtp(0xA11CE, seq, 3000u * i, 96, payloadFor(seq), "1");
  }
  for (size_t i = 0; i < count - lost.size(); ++i) {
    std::optional<test::TestPeer::Packet> p;
    do p = bob.receive(2000ms);
    while (p && p->rtcp);
    if (!p) break;
  }
  bob.dropRtp = nullptr;
  std::vector<uint16_t> seqs;
  for (size_t i : lost)
    if (i < seen.size()) seqs.push_back(seen[i]);
  if (seqs.empty()) return seen;
  std::vector<uint8_t> nack(128);
  nack.resize(rtcp::writeNack(nack, 0x5555, 0xB0B, seqs));
  bob.sendRtcp(nack);
  return seen;
}

TEST_F(MediaLoopback, SubscriberNackIsAnsweredWithRtx) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  videoPair(*alice, *bob, 0xB0B1);
  // Source numbers wrap (65530..65539) so the mapping back crosses 65535 too.
  auto seen = sendAndNack(*alice, *bob, 10, {3, 7}, 65530);
  ASSERT_EQ(seen.size(), 10u);
  for (int k : {3, 7}) {
    auto p = nextRtp(*bob);
    ASSERT_TRUE(p) << "no retransmission";
    auto v = rtp::RtpView::parse(*p);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->ssrc(), 0xB0B1u);
    EXPECT_EQ(v->payloadType(), 97);
    EXPECT_FALSE(v->extension(ExtensionIds::kMid).has_value());
    ASSERT_EQ(v->payloadSize(), 602u);
    EXPECT_EQ(readU16(v->payload().data()), seen[k]) << "RFC 4588 OSN";
    auto expected = payloadFor(static_cast<uint16_t>(65530 + k));
    EXPECT_TRUE(
        std::equal(expected.begin(), expected.end(), v->payload().begin() + 2, v->payload().end()));
  }
  auto s = stats();
  EXPECT_EQ(s.nacksReceived, 1u);
  EXPECT_EQ(s.retransmissionsSent, 2u);
}

TEST_F(MediaLoopback, SubscriberWithoutRtxGetsAPlainRetransmission) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  videoPair(*alice, *bob, 0xB0B1);
  engine_->setConsumerRtx("bob", 2, false);  // as if Bob's answer had dropped rtx
  settle();
  auto seen = sendAndNack(*alice, *bob, 5, {2}, 1000);
  ASSERT_EQ(seen.size(), 5u);
  auto p = nextRtp(*bob);
  ASSERT_TRUE(p);
  auto v = rtp::RtpView::parse(*p);
  EXPECT_EQ(v->ssrc(), 0xB0Bu);
  EXPECT_EQ(v->payloadType(), 96);
  EXPECT_EQ(v->sequenceNumber(), seen[2]);
  auto expected = payloadFor(1002);
  EXPECT_TRUE(
      std::equal(expected.begin(), expected.end(), v->payload().begin(), v->payload().end()));
}

TEST_F(MediaLoopback, NackThatCannotBeServedAsksThePublisherForAKeyFrame) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  videoPair(*alice, *bob, 0xB0B1);
  auto isPli = [](const rtcp::PacketView& p) {
    return p.packetType == rtcp::kPayloadFeedback && rtcp::pliMediaSsrc(p) == 0xA11CEu;
  };
  EXPECT_TRUE(awaitRtcp(*alice, isPli));  // the new subscriber's key frame request
  // 500 after the last packet: never in the history.
  auto seen = sendAndNack(*alice, *bob, 3, {}, 20);
  ASSERT_EQ(seen.size(), 3u);
  std::vector<uint8_t> nack(64);
  nack.resize(rtcp::writeNack(nack, 0x5555, 0xB0B, {{static_cast<uint16_t>(seen[2] + 500)}}));
  bob->sendRtcp(nack);
  EXPECT_TRUE(awaitRtcp(*alice, isPli)) << "no PLI after an unservable NACK";
  EXPECT_GE(stats().retransmissionMisses, 1u);
}

TEST_F(MediaLoopback, OpusDtxPacketsPassAndAudioLevelIsTracked) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  ProducerSpec prod = test::opusProducer(1, 0xAAAA);
  engine_->addProducer("alice", prod);
  ConsumerSpec cons{2, 1, MediaKind::Audio, 0xBBBB, 111, 48000, 0, 0};
  engine_->addConsumer("bob", cons);
  settle();
  // RFC 6464 level -30 dBov with voice activity, in a one-byte extension (id 2); a 1-byte Opus
  // DTX payload (RFC 7587 §3.1.3: a TOC byte only) and an FEC-sized one.
  auto packet = [](uint16_t seq, std::vector<uint8_t> payload) {
    // clang-format off
    std::vector<uint8_t> p = {0x90, 111, 0, 0, 0, 0, 0, 0, 0, 0, 0xAA, 0xAA,
                              0xBE, 0xDE, 0, 1, (ExtensionIds::kAudioLevel << 4) | 0, 0x80 | 30,
                              0, 0};
    // clang-format on
    writeU16(&p[2], seq);
    writeU32(&p[4], 960u * seq);
    p.insert(p.end(), payload.begin(), payload.end());
    return p;
  };
  for (uint16_t seq = 1; seq <= 10; ++seq)
    alice->sendRtpPacket(
        packet(seq, seq % 2 ? std::vector<uint8_t>{0xF8} : std::vector<uint8_t>(120, 0x42)));
  for (uint16_t seq = 1; seq <= 10; ++seq) {
    auto p = nextRtp(*bob);
    ASSERT_TRUE(p) << "packet " << seq << " (DTX-sized: " << (seq % 2) << ") was dropped";
    auto v = rtp::RtpView::parse(*p);
    EXPECT_EQ(v->payloadSize(), seq % 2 ? 1u : 120u);
    auto level = v->extension(ExtensionIds::kAudioLevel);  // passes to the subscriber untouched
    ASSERT_TRUE(level);
    EXPECT_EQ((*level)[0], 0x80 | 30);
  }
  std::optional<std::optional<uint8_t>> level;
  engine_->audioLevel("alice", 1, [&](std::optional<uint8_t> l) { level = l; });
  ASSERT_TRUE(runUntil([&] { return level.has_value(); }));
  ASSERT_TRUE(level->has_value());
  EXPECT_NEAR(**level, 30, 2);
}

}  // namespace
}  // namespace rounds
