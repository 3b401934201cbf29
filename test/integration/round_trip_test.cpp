// Integration: a subscriber's XR Receiver Reference Time blocks (RFC 3611 §4.4) answered with
// DLRRs over real DTLS-SRTP through a running MediaEngine. A browser's audio and video receivers
// may send RRTRs from different SSRCs, and Chromium files an audio receiver's round trip under
// the XR's sender SSRC: the server must answer every RRTR sender, under its own RTCP SSRC and
// under the SSRC of the audio stream it sends (docs/architecture.md, "Round trips").
#include <map>
#include <set>

#include "proto/rtcp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kAliceAudio = 0xA1;
constexpr uint32_t kBobAudio = 0xB1;  // the SSRC the server sends Alice's audio to Bob with

class RoundTrip : public test::MediaEngineFixture {
 protected:
  void audioPair() {
    addProducer("alice", 1, MediaKind::Audio, kAliceAudio, 111, "0");
    addConsumer("bob", 2, 1, MediaKind::Audio, kBobAudio, 111);
  }

  static std::vector<uint8_t> rrtr(uint32_t sender, uint64_t ntp) {
    std::vector<uint8_t> rr(64);
    size_t n = rtcp::writeReceiverReport(rr, sender, {});
    size_t x = rtcp::writeXrRrtr(MutableBytes(rr).subspan(n), sender, ntp);
    rr.resize(n + x);
    return rr;
  }
};

TEST_F(RoundTrip, EveryRrtrSenderIsAnsweredUnderOurSsrcAndTheAudioStreams) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  audioPair();
  // As Chromium's audio and video receivers: two senders, each with its own reference time.
  const uint64_t ntpOne = 0x0123456789ABCDEFull, ntpTwo = 0x0FEDCBA987654321ull;
  bob->sendRtcp(rrtr(0x1, ntpOne));
  bob->sendRtcp(rrtr(0x2, ntpTwo));

  // The answers come in Bob's slice of the worker's next tick (every 100 ms), within a few ticks
  // even if the two RRTRs straddle one.
  std::map<uint32_t, std::set<uint32_t>> answered;  // XR sender -> RRTR senders named
  std::map<uint32_t, uint32_t> lastRr;
  auto itemsNamed = [&] {
    size_t n = 0;
    for (const auto& [sender, rrtrs] : answered) n += rrtrs.size();
    return n;
  };
  auto until = std::chrono::steady_clock::now() + 3000ms;
  while (itemsNamed() < 4 && std::chrono::steady_clock::now() < until) {
    auto p = bob->receive(500ms);
    if (!p || !p->rtcp) continue;
    rtcp::CompoundReader r(p->data);
    while (auto pkt = r.next()) {
      if (pkt->packetType != rtcp::kExtendedReport) continue;
      rtcp::forEachDlrr(*pkt, [&](const rtcp::DlrrItem& item) {
        answered[pkt->senderSsrc()].insert(item.ssrc);
        lastRr[item.ssrc] = item.lastRr;
        EXPECT_LT(item.delaySinceLastRr, 65536u / 2) << "held for a tick, not a report interval";
      });
    }
  }
  ASSERT_EQ(answered.size(), 2u) << "under the server's RTCP SSRC and under the audio stream's";
  ASSERT_TRUE(answered.count(kBobAudio));
  for (const auto& [sender, named] : answered)
    EXPECT_EQ(named, (std::set<uint32_t>{0x1, 0x2})) << "XR sender " << sender;
  EXPECT_EQ(lastRr[0x1], rtcp::compactNtp(ntpOne));
  EXPECT_EQ(lastRr[0x2], rtcp::compactNtp(ntpTwo));
  WorkerStats s = stats();
  EXPECT_EQ(s.rrtrReceived, 2u);
  EXPECT_EQ(s.rrtrAnswered, 2u);
}

}  // namespace
}  // namespace rounds
