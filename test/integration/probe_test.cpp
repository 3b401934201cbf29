// Integration: bandwidth probing over real DTLS-SRTP through a running MediaEngine. A simulcast
// publisher whose top layer the subscriber's estimate does not cover; the subscriber answers with
// transport feedback as a browser does. Probe clusters (padding-only RTX packets with our
// transport sequence numbers) must lift the estimate above what the media alone would allow
// (1.5 x what is acknowledged) and let the subscriber climb to the top layer; a subscriber that
// gets no video is never probed.
#include <array>
#include <deque>
#include <map>

#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "proto/twcc.hpp"
#include "proto/video_payload.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kLayerSsrc[3] = {0x1000, 0x2000, 0x3000};
constexpr char kRids[3] = {'l', 'm', 'h'};
constexpr size_t kPayloadSize[3] = {100, 300, 1100};  // about 56, 136 and 456 kbit/s at 50 pkt/s
constexpr uint32_t kConsumerSsrc = 0xB0B;
constexpr uint32_t kConsumerRtxSsrc = 0xB0C;
constexpr uint8_t kRtxPt = 97;

// One VP8 frame of `layer` in one packet: mid, rid, abs-send-time and transport-cc slots.
std::vector<uint8_t> layerPacket(size_t layer, uint16_t seq, uint32_t ts, uint16_t transportSeq,
                                 bool key) {
  std::vector<uint8_t> p(12);
  p[0] = 0x90;
  p[1] = 96;
  writeU16(p.data() + 2, seq);
  writeU32(p.data() + 4, ts);
  writeU32(p.data() + 8, kLayerSsrc[layer]);
  p.insert(p.end(),
           {0xBE, 0xDE, 0x00, 0x03, 0x10, '1', 0x40, static_cast<uint8_t>(kRids[layer]),
            (ExtensionIds::kAbsSendTime << 4) | 2, 0, 0, 0, (ExtensionIds::kTransportCc << 4) | 1,
            static_cast<uint8_t>(transportSeq >> 8), static_cast<uint8_t>(transportSeq), 0});
  std::vector<uint8_t> vp8{0x90,
                           0x80,
                           static_cast<uint8_t>(0x80 | (seq >> 8 & 0x7F)),
                           static_cast<uint8_t>(seq),
                           static_cast<uint8_t>(key ? 0 : 1),
                           0,
                           0,
                           0x9d,
                           0x01,
                           0x2a,
                           0x40,
                           0x01,
                           0xB4,
                           0x00};
  vp8.resize(kPayloadSize[layer], 0x55);
  p.insert(p.end(), vp8.begin(), vp8.end());
  return p;
}

class Probing : public test::MediaEngineFixture {
 protected:
  void SetUp() override {
    MediaEngineFixture::SetUp();
    alice_ = connectPeer("alice", "room1");
    bob_ = connectPeer("bob", "room1");
    ProducerSpec prod;
    prod.producerId = 1;
    prod.kind = MediaKind::Video;
    prod.mid = "1";
    prod.payloadType = 96;
    prod.rids = {"l", "m", "h"};
    prod.codecName = "VP8";
    prod.transportCc = true;
    engine_->addProducer("alice", prod);
    engine_->addConsumer("bob", ConsumerSpec{2, 1, MediaKind::Video, kConsumerSsrc, 96, 90000,
                                             kConsumerRtxSsrc, kRtxPt});
    settle();
    start_ = Clock::now();
  }

  int64_t nowUs() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count();
  }

  // Alice sends a frame per layer every 20 ms (key frames every 240 ms, staggered); bob records
  // every packet's transport sequence number and arrival and sends transport feedback every
  // 100 ms, as a browser does. `check` runs every 500 ms and ends the run when it returns true.
  template <typename Check>
  bool run(std::chrono::milliseconds duration, Check check) {
    auto end = Clock::now() + duration;
    auto nextCheck = Clock::now() + 500ms;
    while (Clock::now() < end) {
      for (size_t l = 0; l < 3; ++l) {
        bool key = (frame_ + 4 * l) % 12 == 0;
        alice_->sendRtpPacket(layerPacket(l, static_cast<uint16_t>(1000 * (l + 1) + frame_),
                                          1800 * frame_, aliceTransportSeq_++, key));
      }
      ++frame_;
      receiveFor(20ms);
      if (frame_ % 5 == 0) sendFeedback();
      if (Clock::now() >= nextCheck) {
        nextCheck += 500ms;
        if (check()) return true;
      }
    }
    return false;
  }

  void receiveFor(std::chrono::milliseconds within) {
    auto end = Clock::now() + within;
    while (Clock::now() < end) {
      auto p = bob_->receive(2ms);
      if (!p || p->rtcp) continue;
      auto v = rtp::RtpView::parse(p->data);
      ASSERT_TRUE(v);
      auto ext = v->extension(ExtensionIds::kTransportCc);
      ASSERT_TRUE(ext) << "every packet to bob carries our transport sequence number";
      uint16_t seq = *twcc::readSequence(*ext);
      int64_t at = nowUs();
      arrivals_[seq] = at;
      if (v->payloadSize() == 0 && v->paddingSize() > 0) {
        EXPECT_EQ(v->ssrc(), kConsumerRtxSsrc) << "padding goes on the RTX stream";
        EXPECT_EQ(v->payloadType(), kRtxPt);
        ++padding_;
      } else {
        EXPECT_EQ(v->ssrc(), kConsumerSsrc);
      }
      window_.push_back({at, p->data.size()});
      while (!window_.empty() && window_.front().first < at - 500'000) window_.pop_front();
    }
  }

  // Everything received over the last 0.5 s (the estimator's acknowledged-rate window), bit/s.
  double receivedBps() const {
    uint64_t bytes = 0;
    for (auto& [t, n] : window_) bytes += n + 10;  // + the SRTP tag the server counts
    return static_cast<double>(bytes) * 8 / 0.5;
  }

  void sendFeedback() {
    if (arrivals_.empty()) return;
    // Report from the first unreported number up to the highest seen (wrap-free here).
    uint16_t base = nextReport_ ? *nextReport_ : arrivals_.begin()->first;
    uint16_t highest = arrivals_.rbegin()->first;
    if (highest < base) return;
    std::vector<int64_t> at;
    for (uint32_t s = base; s <= highest; ++s) {
      auto it = arrivals_.find(static_cast<uint16_t>(s));
      at.push_back(it == arrivals_.end() ? twcc::kNotReceived : it->second);
    }
    std::vector<uint8_t> fb(1200);
    auto w = twcc::writeFeedback(fb, 0x5555, kConsumerSsrc, base, fbCount_++, at);
    if (w.bytes == 0) return;
    fb.resize(w.bytes);
    bob_->sendRtcp(fb);
    nextReport_ = static_cast<uint16_t>(base + w.packets);
  }

  std::optional<PeerLinkStats> bobLink() {
    for (const auto& l : stats().peerLinks)
      if (l.peerId == "bob") return l;
    return std::nullopt;
  }
  int bobLayer() {
    for (const auto& c : stats().consumerLayers)
      if (c.consumerId == 2) return c.currentLayer;
    return -1;
  }

  std::unique_ptr<test::TestPeer> alice_, bob_;
  Clock::time_point start_;
  uint32_t frame_ = 0;
  uint16_t aliceTransportSeq_ = 1;
  std::map<uint16_t, int64_t> arrivals_;
  std::optional<uint16_t> nextReport_;
  uint8_t fbCount_ = 0;
  std::deque<std::pair<int64_t, size_t>> window_;
  int padding_ = 0;
};

TEST_F(Probing, EstimateRisesAboveWhatIsSentAndTheSubscriberClimbs) {
  // The estimator starts at 300 kbit/s: the top layer (~456 kbit/s) does not fit, so bob drops
  // to a lower layer, whose rate alone would cap the estimate at 1.5 x itself + 10 kbit/s.
  std::string trace;
  double bestRatio = 0;
  uint32_t bestEstimate = 0;
  bool above = run(8000ms, [&] {
    auto link = bobLink();
    if (!link || !link->downlinkEstimateBps) return false;
    double cap = 1.5 * receivedBps() + 10'000;
    trace += "\n t=" + std::to_string(nowUs() / 1000) + " ms estimate " +
             std::to_string(*link->downlinkEstimateBps) + " received " +
             std::to_string(static_cast<int>(receivedBps())) + " layer " +
             std::to_string(bobLayer()) + " clusters " + std::to_string(link->probeClusters) +
             " taken " + std::to_string(link->probeSuccesses);
    bestRatio = std::max(bestRatio, *link->downlinkEstimateBps / cap);
    bestEstimate = std::max(bestEstimate, *link->downlinkEstimateBps);
    return *link->downlinkEstimateBps > cap * 1.1 && link->probeSuccesses > 0;
  });
  EXPECT_TRUE(above) << "best estimate " << bestEstimate << " bit/s, " << bestRatio
                     << " x the acknowledged-rate cap" << trace;
  EXPECT_GT(padding_, 0) << "no probe padding reached bob";
  auto link = bobLink();
  ASSERT_TRUE(link);
  EXPECT_GT(link->probeClusters, 0u);
  EXPECT_GE(link->probePackets, 5u);
  // With the room the probes found, bob climbs to the top layer.
  bool top = run(8000ms, [&] { return bobLayer() == 2; });
  EXPECT_TRUE(top) << "bob stayed on layer " << bobLayer() << ", estimate "
                   << bobLink()->downlinkEstimateBps.value_or(0);
}

TEST_F(Probing, SubscriberWithoutVideoIsNeverProbed) {
  engine_->setReceiveMode("bob", ReceiveMode::AudioOnly);
  settle();
  run(2500ms, [] { return false; });
  auto link = bobLink();
  ASSERT_TRUE(link);
  EXPECT_EQ(link->probeClusters, 0u);
  EXPECT_EQ(link->probePackets, 0u);
  EXPECT_EQ(padding_, 0);
}

}  // namespace
}  // namespace rounds
