// Integration: the low-bandwidth choices (issue 5) on a running MediaEngine with real DTLS-SRTP
// peers. A paused consumer sends nothing at all; resuming asks the publisher for a key frame and
// continues the subscriber's sequence without a gap; "active speaker" forwards only the video of
// the participant the RFC 6464 levels name.
#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kAliceVideo = 0xA11CE, kAliceAudio = 0xA0D10;
constexpr uint32_t kCarolVideo = 0xCA801, kCarolAudio = 0xCA802;
constexpr uint32_t kBobAliceVideo = 0xB0B1, kBobAliceAudio = 0xB0B2, kBobCarolVideo = 0xB0B3;

// An Opus packet with an RFC 6464 level (-dBov) in a one-byte extension.
std::vector<uint8_t> audioPacket(uint32_t ssrc, uint16_t seq, uint8_t level) {
  std::vector<uint8_t> p = {0x90, 111, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                            0xBE, 0xDE, 0, 1, (ExtensionIds::kAudioLevel << 4) | 0, static_cast<uint8_t>(0x80 | level),
                            0, 0};
  writeU16(&p[2], seq);
  writeU32(&p[4], 960u * seq);
  writeU32(&p[8], ssrc);
  p.insert(p.end(), 80, 0x42);
  return p;
}

class ReceiveModes : public test::MediaEngineFixture {
 protected:
  void publish(const std::string& peer, uint64_t id, MediaKind kind, uint32_t ssrc) {
    ProducerSpec prod;
    prod.producerId = id;
    prod.kind = kind;
    prod.mid = kind == MediaKind::Audio ? "0" : "1";
    prod.ssrc = ssrc;
    prod.payloadType = kind == MediaKind::Audio ? 111 : 96;
    prod.clockRate = kind == MediaKind::Audio ? 48000 : 90000;
    engine_->addProducer(peer, prod);
  }
  void consume(const std::string& peer, uint64_t id, uint64_t producer, MediaKind kind, uint32_t ssrc) {
    ConsumerSpec c{id, producer, kind, ssrc, static_cast<uint8_t>(kind == MediaKind::Audio ? 111 : 96),
                   kind == MediaKind::Audio ? 48000u : 90000u, 0, 0};
    engine_->addConsumer(peer, c);
  }
  static void sendVideo(test::TestPeer& from, uint32_t ssrc, uint16_t seq0, int count) {
    std::vector<uint8_t> payload(500, 0x33);
    for (int i = 0; i < count; ++i)
      from.sendRtp(ssrc, static_cast<uint16_t>(seq0 + i), 3000u * (seq0 + i), 96, payload);
  }
  // RTP packets `to` receives within `window`, by SSRC, with the last sequence number of each.
  static std::map<uint32_t, std::pair<int, uint16_t>> collect(test::TestPeer& to, std::chrono::milliseconds window) {
    std::map<uint32_t, std::pair<int, uint16_t>> got;
    auto end = std::chrono::steady_clock::now() + window;
    while (std::chrono::steady_clock::now() < end) {
      auto p = to.receive(100ms);
      if (!p || p->rtcp) continue;
      auto v = rtp::RtpView::parse(p->data);
      if (!v) continue;
      auto& [n, last] = got[v->ssrc()];
      ++n;
      last = v->sequenceNumber();
    }
    return got;
  }
  // Whether `publisher` receives a PLI for `ssrc` within about two seconds.
  static bool sawPli(test::TestPeer& publisher, uint32_t ssrc) {
    for (int i = 0; i < 20; ++i) {
      auto p = publisher.receive(100ms);
      if (!p || !p->rtcp) continue;
      rtcp::CompoundReader r(p->data);
      while (auto pkt = r.next())
        if (pkt->packetType == rtcp::kPayloadFeedback && rtcp::pliMediaSsrc(*pkt) == ssrc) return true;
    }
    return false;
  }
  static void drain(test::TestPeer& peer) {
    while (peer.receive(50ms)) {
    }
  }
};

TEST_F(ReceiveModes, AudioOnlySendsNoVideoAndResumingAsksForAKeyFrameWithoutAGap) {
  auto alice = connectPeer("alice", "room");
  auto bob = connectPeer("bob", "room");
  publish("alice", 1, MediaKind::Video, kAliceVideo);
  publish("alice", 2, MediaKind::Audio, kAliceAudio);
  consume("bob", 11, 1, MediaKind::Video, kBobAliceVideo);
  consume("bob", 12, 2, MediaKind::Audio, kBobAliceAudio);
  settle();

  sendVideo(*alice, kAliceVideo, 100, 20);
  auto before = collect(*bob, 500ms);
  ASSERT_EQ(before[kBobAliceVideo].first, 20) << "video flows before the choice";
  uint16_t lastSeq = before[kBobAliceVideo].second;

  engine_->setReceiveMode("bob", ReceiveMode::AudioOnly);
  settle();
  drain(*alice);
  sendVideo(*alice, kAliceVideo, 120, 30);
  for (uint16_t s = 1; s <= 10; ++s) alice->sendRtpPacket(audioPacket(kAliceAudio, s, 30));
  auto paused = collect(*bob, 800ms);
  EXPECT_EQ(paused[kBobAliceVideo].first, 0) << "a paused consumer sends nothing";
  EXPECT_EQ(paused[kBobAliceAudio].first, 10) << "audio still flows";
  auto s = stats();
  EXPECT_EQ(s.pausedConsumers, 1u);
  EXPECT_EQ(s.consumersResumed, 0u);
  EXPECT_FALSE(sawPli(*alice, kAliceVideo)) << "no key frame is asked for what nobody receives";

  engine_->setReceiveMode("bob", ReceiveMode::All);
  settle();
  EXPECT_TRUE(sawPli(*alice, kAliceVideo)) << "resuming asks the publisher for a key frame";
  sendVideo(*alice, kAliceVideo, 150, 5);
  auto resumed = collect(*bob, 500ms);
  EXPECT_EQ(resumed[kBobAliceVideo].first, 5);
  // The 30 packets skipped while paused leave no gap in what Bob sees (nothing to NACK).
  EXPECT_EQ(resumed[kBobAliceVideo].second, static_cast<uint16_t>(lastSeq + 5));
  s = stats();
  EXPECT_EQ(s.pausedConsumers, 0u);
  EXPECT_EQ(s.consumersResumed, 1u);
}

TEST_F(ReceiveModes, ActiveSpeakerForwardsOnlyTheSpeakersVideo) {
  auto alice = connectPeer("alice", "room");
  auto carol = connectPeer("carol", "room");
  auto bob = connectPeer("bob", "room");
  publish("alice", 1, MediaKind::Video, kAliceVideo);
  publish("alice", 2, MediaKind::Audio, kAliceAudio);
  publish("carol", 3, MediaKind::Video, kCarolVideo);
  publish("carol", 4, MediaKind::Audio, kCarolAudio);
  engine_->setReceiveMode("bob", ReceiveMode::ActiveSpeaker);
  consume("bob", 11, 1, MediaKind::Video, kBobAliceVideo);
  consume("bob", 13, 3, MediaKind::Video, kBobCarolVideo);
  settle();

  // Nobody has spoken: no video at all.
  sendVideo(*alice, kAliceVideo, 1, 10);
  sendVideo(*carol, kCarolVideo, 1, 10);
  auto silent = collect(*bob, 500ms);
  EXPECT_EQ(silent[kBobAliceVideo].first + silent[kBobCarolVideo].first, 0);

  // Carol talks (-20 dBov), Alice is quiet, for half a second (several worker ticks).
  for (uint16_t seq = 1; seq <= 25; ++seq) {
    carol->sendRtpPacket(audioPacket(kCarolAudio, seq, 20));
    alice->sendRtpPacket(audioPacket(kAliceAudio, seq, 127));
    std::this_thread::sleep_for(20ms);
  }
  drain(*bob);
  sendVideo(*alice, kAliceVideo, 11, 10);
  sendVideo(*carol, kCarolVideo, 11, 10);
  auto talking = collect(*bob, 500ms);
  EXPECT_EQ(talking[kBobCarolVideo].first, 10) << "the active speaker's video is forwarded";
  EXPECT_EQ(talking[kBobAliceVideo].first, 0) << "the others' video is not";
  EXPECT_EQ(stats().pausedConsumers, 1u);
}

}  // namespace
}  // namespace rounds
