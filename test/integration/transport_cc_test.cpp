// Integration: transport-wide congestion control over real DTLS-SRTP through a running
// MediaEngine. The publisher's transport sequence numbers come back to it as transport feedback;
// the subscriber gets our own sequence numbers and its feedback gives the server an estimate.
#include <map>

#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "proto/twcc.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kAliceSsrc = 0xA11CE;
constexpr uint32_t kBobSsrc = 0xB0B;

// A VP8-like packet with the mid ("1") and transport-cc extensions (RFC 8285 one-byte form).
std::vector<uint8_t> packetWithTransportSeq(uint16_t seq, uint16_t transportSeq) {
  std::vector<uint8_t> p(12 + 4 + 8 + 1000, 0);
  p[0] = 0x90;  // V=2, X=1
  p[1] = 96;
  writeU16(&p[2], seq);
  writeU32(&p[4], 3000u * seq);
  writeU32(&p[8], kAliceSsrc);
  writeU16(&p[12], 0xBEDE);
  writeU16(&p[14], 2);  // 8 bytes of elements
  p[16] = (ExtensionIds::kMid << 4) | 0;
  p[17] = '1';
  p[18] = static_cast<uint8_t>((ExtensionIds::kTransportCc << 4) | 1);
  writeU16(&p[19], transportSeq);
  for (size_t k = 24; k < p.size(); ++k) p[k] = static_cast<uint8_t>(seq + k);
  return p;
}

class TransportCc : public test::MediaEngineFixture {
 protected:
  void videoPair(bool transportCc = true) {
    ProducerSpec prod;
    prod.producerId = 1;
    prod.kind = MediaKind::Video;
    prod.mid = "1";
    prod.ssrc = kAliceSsrc;
    prod.payloadType = 96;
    prod.transportCc = transportCc;
    engine_->addProducer("alice", prod);
    ConsumerSpec cons;
    cons.consumerId = 2;
    cons.producerId = 1;
    cons.kind = MediaKind::Video;
    cons.ssrc = kBobSsrc;
    cons.payloadType = 96;
    engine_->addConsumer("bob", cons);
    settle();
  }

  // Reads `peer`'s RTCP until the once-a-second receiver report; whether a REMB came with it.
  static std::optional<bool> rembWithReport(test::TestPeer& peer) {
    auto until = std::chrono::steady_clock::now() + 3000ms;
    while (std::chrono::steady_clock::now() < until) {
      auto p = peer.receive(500ms);
      if (!p || !p->rtcp) continue;
      rtcp::CompoundReader r(p->data);
      bool rr = false, remb = false;
      while (auto pkt = r.next()) {
        if (pkt->packetType == rtcp::kReceiverReport) rr = true;
        if (rtcp::rembBitrate(*pkt)) remb = true;
      }
      if (rr) return remb;
    }
    return std::nullopt;
  }

  static std::optional<PeerLinkStats> link(const WorkerStats& s, const std::string& id) {
    for (const auto& l : s.peerLinks)
      if (l.peerId == id) return l;
    return std::nullopt;
  }
};

TEST_F(TransportCc, FeedbackToPublisherStampsForSubscriberAndEstimatesItsLink) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  videoPair();

  // Alice's transport sequence 500.. with 503 and 504 "lost" on her uplink.
  constexpr int kPackets = 40;
  for (int i = 0; i < kPackets; ++i) {
    uint16_t tseq = static_cast<uint16_t>(500 + i);
    if (tseq == 503 || tseq == 504) continue;
    alice->sendRtpPacket(packetWithTransportSeq(static_cast<uint16_t>(1000 + i), tseq));
  }

  // Bob: every packet carries our transport sequence for him, 1, 2, 3, ... (ours, not Alice's).
  std::vector<uint16_t> bobSeqs;
  while (bobSeqs.size() < kPackets - 2) {
    auto p = bob->receive(2000ms);
    ASSERT_TRUE(p) << "only " << bobSeqs.size() << " packets reached bob";
    if (p->rtcp) continue;
    auto v = rtp::RtpView::parse(p->data);
    ASSERT_TRUE(v);
    auto ext = v->extension(ExtensionIds::kTransportCc);
    ASSERT_TRUE(ext) << "no transport-wide sequence number";
    bobSeqs.push_back(*twcc::readSequence(*ext));
  }
  for (size_t i = 0; i < bobSeqs.size(); ++i) EXPECT_EQ(bobSeqs[i], 1 + i);

  // Alice gets transport feedback (within a tick or two) naming what arrived and what did not.
  std::map<uint16_t, bool> reported;
  for (int i = 0; i < 50 && reported.size() < kPackets; ++i) {
    auto p = alice->receive(1000ms);
    ASSERT_TRUE(p) << "no transport feedback reached the publisher";
    if (!p->rtcp) continue;
    rtcp::CompoundReader r(p->data);
    while (auto pkt = r.next()) {
      if (pkt->packetType != rtcp::kRtpFeedback || pkt->count != twcc::kFmtTransportCc) continue;
      auto fb = twcc::FeedbackReader::parse(pkt->bytes);
      ASSERT_TRUE(fb);
      EXPECT_EQ(fb->header().mediaSsrc, kAliceSsrc);
      twcc::PacketStatus s;
      while (fb->next(s)) reported[s.seq] = s.received;
    }
  }
  ASSERT_EQ(reported.size(), static_cast<size_t>(kPackets));
  EXPECT_EQ(reported.begin()->first, 500);
  EXPECT_FALSE(reported[503]);
  EXPECT_FALSE(reported[504]);
  EXPECT_TRUE(reported[505]);
  EXPECT_TRUE(reported[539]);

  auto before = stats();
  ASSERT_TRUE(link(before, "bob"));
  EXPECT_FALSE(link(before, "bob")->downlinkEstimateBps) << "no feedback from bob yet";
  EXPECT_GE(link(before, "alice")->transportFeedbacksSent, 1u);

  // Bob reports all of his packets as arrived 2 ms apart (about 4 Mbit/s of 1 kB packets).
  std::vector<int64_t> arrivals;
  for (size_t i = 0; i < bobSeqs.size(); ++i) arrivals.push_back(10'000'000 + int64_t(i) * 2000);
  std::vector<uint8_t> fb(1200);
  auto w = twcc::writeFeedback(fb, 0x5555, kBobSsrc, bobSeqs[0], 0, arrivals);
  ASSERT_EQ(w.packets, arrivals.size());
  fb.resize(w.bytes);
  bob->sendRtcp(fb);
  std::optional<PeerLinkStats> bobLink;
  ASSERT_TRUE(runUntil([&] {
    bobLink = link(stats(), "bob");
    return bobLink && bobLink->downlinkEstimateBps.has_value();
  })) << "bob's feedback gave no estimate";
  EXPECT_EQ(bobLink->transportFeedbacksReceived, 1u);
  EXPECT_GE(*bobLink->downlinkEstimateBps, 30'000u);
  EXPECT_LE(*bobLink->downlinkEstimateBps, 20'000'000u);

  // Alice estimates her own uplink from our feedback: her receiver reports come without REMB.
  auto remb = rembWithReport(*alice);
  ASSERT_TRUE(remb) << "no receiver report reached the publisher";
  EXPECT_FALSE(*remb);
}

TEST_F(TransportCc, PublisherWithoutTransportCcKeepsTheRembCap) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  videoPair(false);
  for (int i = 0; i < 10; ++i)
    alice->sendRtp(kAliceSsrc, static_cast<uint16_t>(i), 3000u * i, 96, std::vector<uint8_t>(500, 1),
                   "1");
  auto remb = rembWithReport(*alice);
  ASSERT_TRUE(remb) << "no receiver report reached the publisher";
  EXPECT_TRUE(*remb);
  EXPECT_EQ(link(stats(), "alice")->transportFeedbacksSent, 0u);  // nothing to report on
}

}  // namespace
}  // namespace rounds
