// Integration: a publisher sends three simulcast layers (rid header extension, VP8 with key frames
// and picture ids) through a running MediaEngine; the subscriber gets exactly one layer at a time,
// chosen from its REMB, switched only on key frames, as one continuous stream (sequence numbers,
// timestamps, VP8 picture ids) with our abs-send-time on every packet.
#include <array>
#include <cstring>

#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "proto/video_payload.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kLayerSsrc[3] = {0x1000, 0x2000, 0x3000};
constexpr const char* kRids[3] = {"l", "m", "h"};
constexpr size_t kPayloadSize[3] = {100, 300, 900};  // about 50, 130 and 370 kbit/s at 50 pkt/s
constexpr uint16_t kHeight[3] = {90, 180, 360};
constexpr uint32_t kConsumerSsrc = 0xB0B;

// One RTP packet = one VP8 frame of `layer`: mid, rid and an abs-send-time slot in a one-byte
// extension block (RFC 8285), then the RFC 7741 descriptor with a 15-bit picture id.
std::vector<uint8_t> layerPacket(size_t layer, uint16_t seq, uint32_t ts, uint16_t pictureId,
                                 bool key) {
  std::vector<uint8_t> p(12);
  p[0] = 0x90;
  p[1] = 0x80 | 96;
  writeU16(p.data() + 2, seq);
  writeU32(p.data() + 4, ts);
  writeU32(p.data() + 8, kLayerSsrc[layer]);
  std::vector<uint8_t> ext{0x10, '1', 0x40, static_cast<uint8_t>(kRids[layer][0]),
                           static_cast<uint8_t>((ExtensionIds::kAbsSendTime << 4) | 2), 0, 0, 0};
  p.insert(p.end(), {0xBE, 0xDE, 0x00, 0x02});
  p.insert(p.end(), ext.begin(), ext.end());
  std::vector<uint8_t> vp8{0x90, 0x80, static_cast<uint8_t>(0x80 | (pictureId >> 8)),
                           static_cast<uint8_t>(pictureId), static_cast<uint8_t>(key ? 0 : 1),
                           0, 0, 0x9d, 0x01, 0x2a,
                           static_cast<uint8_t>(kHeight[layer] * 16 / 9),
                           static_cast<uint8_t>((kHeight[layer] * 16 / 9) >> 8),
                           static_cast<uint8_t>(kHeight[layer]),
                           static_cast<uint8_t>(kHeight[layer] >> 8)};
  vp8.resize(kPayloadSize[layer], 0x55);
  p.insert(p.end(), vp8.begin(), vp8.end());
  return p;
}

struct Received {
  uint16_t seq;
  uint32_t ts;
  uint16_t pictureId;
  bool keyFrame;
  size_t layer;  // told apart by size
};

class Simulcast : public test::MediaEngineFixture {
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
    engine_->addProducer("alice", prod);
    engine_->addConsumer("bob", ConsumerSpec{2, 1, MediaKind::Video, kConsumerSsrc, 96, 90000, 0, 0});
    settle();
  }

  // Sends one frame per layer every 20 ms for `duration` (a key frame every 250 ms, staggered
  // per layer), sends bob's REMB every 200 ms when `remb` is set, and records what bob gets.
  void run(std::chrono::milliseconds duration, std::optional<uint64_t> remb) {
    auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
      for (size_t l = 0; l < 3; ++l) {
        bool key = (frame_ + 4 * l) % 12 == 0;
        alice_->sendRtpPacket(layerPacket(l, static_cast<uint16_t>(1000 * (l + 1) + frame_),
                                          static_cast<uint32_t>(100000 * (l + 1) + 1800 * frame_),
                                          static_cast<uint16_t>((5000 * (l + 1) + frame_) & 0x7FFF),
                                          key));
      }
      if (remb && frame_ % 10 == 0) {
        std::array<uint8_t, 64> buf;
        uint32_t media = kConsumerSsrc;
        size_t n = rtcp::writeRemb(buf, 0x5555, *remb, {&media, 1});
        bob_->sendRtcp(std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(n)));
      }
      ++frame_;
      drain(20ms);
    }
  }

  void drain(std::chrono::milliseconds within) {
    auto end = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < end) {
      auto p = bob_->receive(2ms);
      if (!p || p->rtcp) continue;
      auto v = rtp::RtpView::parse(p->data);
      ASSERT_TRUE(v);
      EXPECT_EQ(v->ssrc(), kConsumerSsrc);
      EXPECT_FALSE(v->extension(ExtensionIds::kRid)) << "the rid is the publisher's business";
      EXPECT_FALSE(v->extension(ExtensionIds::kMid));
      auto ast = v->extension(ExtensionIds::kAbsSendTime);
      ASSERT_TRUE(ast && ast->size() == 3);
      if ((*ast)[0] || (*ast)[1] || (*ast)[2]) ++stamped_;
      auto d = video::parseVp8(v->payload());
      ASSERT_TRUE(d && d->pictureId);
      size_t layer = 3;
      for (size_t l = 0; l < 3; ++l)
        if (v->payloadSize() == kPayloadSize[l]) layer = l;
      ASSERT_LT(layer, 3u);
      got_.push_back({v->sequenceNumber(), v->timestamp(), *d->pictureId, d->keyFrame, layer});
    }
  }

  ConsumerLayerStats layerStats() {
    auto s = stats();
    for (const auto& c : s.consumerLayers)
      if (c.consumerId == 2) return c;
    return {};
  }

  std::unique_ptr<test::TestPeer> alice_, bob_;
  uint32_t frame_ = 0;
  std::vector<Received> got_;
  int stamped_ = 0;
};

TEST_F(Simulcast, OneContinuousStreamThatFollowsTheEstimate) {
  // No estimate yet: the top layer.
  run(1500ms, std::nullopt);
  ASSERT_FALSE(got_.empty());
  EXPECT_EQ(got_.back().layer, 2u);
  EXPECT_EQ(layerStats().currentLayer, 2);

  // 60 kbit/s: only l fits (and leaves too little headroom to probe m).
  run(2500ms, 60'000);
  EXPECT_EQ(got_.back().layer, 0u);
  auto st = layerStats();
  EXPECT_EQ(st.currentLayer, 0);
  EXPECT_EQ(st.estimateBps, 60'000u);
  EXPECT_EQ(st.layers, 3u);

  // Plenty again: after the hold it climbs (one layer at a time).
  run(3500ms, 10'000'000);
  EXPECT_GE(got_.back().layer, 1u);

  // Across every switch: the first packet of a new layer is a key frame, and sequence numbers,
  // timestamps and picture ids go on without a jump.
  int switches = 0;
  for (size_t i = 1; i < got_.size(); ++i) {
    const auto& a = got_[i - 1];
    const auto& b = got_[i];
    EXPECT_EQ(b.seq, static_cast<uint16_t>(a.seq + 1)) << "at packet " << i;
    EXPECT_EQ(b.pictureId, (a.pictureId + 1) & 0x7FFF) << "at packet " << i;
    EXPECT_GT(b.ts - a.ts, 0u);
    EXPECT_LT(b.ts - a.ts, 90000u) << "at packet " << i << ": a timestamp jump";
    if (b.layer != a.layer) {
      ++switches;
      EXPECT_TRUE(b.keyFrame) << "switched to layer " << b.layer << " on a delta frame";
    }
  }
  EXPECT_GE(switches, 2);
  EXPECT_GT(stamped_, 0) << "abs-send-time carries our send time";
}

}  // namespace
}  // namespace rounds
