// Integration: a shared screen on a running MediaEngine with real DTLS-SRTP peers. The screen is a
// second video producer of its publisher; "no incoming screen video" pauses only the screen
// consumers of that subscriber (its camera video keeps flowing), and lifting it resumes them with
// a PLI to the publisher and no gap in the subscriber's sequence. How the choice combines with
// audio-only and active-speaker (docs/signalling.md "Low-bandwidth choices").
#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kCamera = 0xCA3E0, kScreen = 0x5C4EE, kAudio = 0xA0D10;
constexpr uint32_t kBobCamera = 0xB0B01, kBobScreen = 0xB0B02, kBobAudio = 0xB0B03;

class ScreenShare : public test::MediaEngineFixture {
 protected:
  // Alice publishes microphone (mid 0), camera (mid 1) and screen (mid 2); Bob consumes all three.
  void SetUp() override {
    test::MediaEngineFixture::SetUp();
    alice_ = connectPeer("alice", "room");
    bob_ = connectPeer("bob", "room");
    publish(1, MediaKind::Audio, "0", kAudio, false);
    publish(2, MediaKind::Video, "1", kCamera, false);
    publish(3, MediaKind::Video, "2", kScreen, true);
    consume(11, 1, MediaKind::Audio, kBobAudio, false);
    consume(12, 2, MediaKind::Video, kBobCamera, false);
    consume(13, 3, MediaKind::Video, kBobScreen, true);
    settle();
  }

  void publish(uint64_t id, MediaKind kind, const char* mid, uint32_t ssrc, bool screen) {
    ProducerSpec p;
    p.producerId = id;
    p.kind = kind;
    p.mid = mid;
    p.ssrc = ssrc;
    p.payloadType = kind == MediaKind::Audio ? 111 : 96;
    p.clockRate = kind == MediaKind::Audio ? 48000 : 90000;
    p.screen = screen;
    engine_->addProducer("alice", p);
  }
  void consume(uint64_t id, uint64_t producer, MediaKind kind, uint32_t ssrc, bool screen) {
    ConsumerSpec c;
    c.consumerId = id;
    c.producerId = producer;
    c.kind = kind;
    c.ssrc = ssrc;
    c.payloadType = kind == MediaKind::Audio ? 111 : 96;
    c.clockRate = kind == MediaKind::Audio ? 48000 : 90000;
    c.screen = screen;
    engine_->addConsumer("bob", c);
  }

  // `count` packets on each of Alice's camera, screen and microphone, from sequence number `seq0`.
  void sendAll(uint16_t seq0, int count) {
    std::vector<uint8_t> payload(400, 0x51);
    for (int i = 0; i < count; ++i) {
      auto seq = static_cast<uint16_t>(seq0 + i);
      alice_->sendRtp(kCamera, seq, 3000u * seq, 96, payload);
      alice_->sendRtp(kScreen, seq, 3000u * seq, 96, payload);
      alice_->sendRtp(kAudio, seq, 960u * seq, 111, std::vector<uint8_t>(60, 0x11));
    }
  }
  struct Seen {
    int packets = 0;
    uint16_t lastSeq = 0;
  };
  // RTP Bob receives within `window`, by SSRC.
  std::map<uint32_t, Seen> bobReceives(std::chrono::milliseconds window) {
    std::map<uint32_t, Seen> got;
    for (auto end = std::chrono::steady_clock::now() + window; std::chrono::steady_clock::now() < end;) {
      auto p = bob_->receive(50ms);
      if (!p || p->rtcp) continue;
      if (auto v = rtp::RtpView::parse(p->data)) {
        ++got[v->ssrc()].packets;
        got[v->ssrc()].lastSeq = v->sequenceNumber();
      }
    }
    return got;
  }
  // PLIs Alice receives for `ssrc` within `window`.
  int plisTo(uint32_t ssrc, std::chrono::milliseconds window) {
    int n = 0;
    for (auto end = std::chrono::steady_clock::now() + window; std::chrono::steady_clock::now() < end;) {
      auto p = alice_->receive(50ms);
      if (!p || !p->rtcp) continue;
      rtcp::CompoundReader r(p->data);
      while (auto pkt = r.next())
        n += pkt->packetType == rtcp::kPayloadFeedback && rtcp::pliMediaSsrc(*pkt) == ssrc;
    }
    return n;
  }
  void drainAll() {
    while (alice_->receive(30ms) || bob_->receive(30ms)) {
    }
  }

  std::unique_ptr<test::TestPeer> alice_, bob_;
};

TEST_F(ScreenShare, NoIncomingScreenPausesOnlyTheScreenAndLiftingItAsksForAKeyFrame) {
  sendAll(100, 10);
  auto before = bobReceives(400ms);
  ASSERT_EQ(before[kBobScreen].packets, 10) << "the screen is forwarded like a camera";
  ASSERT_EQ(before[kBobCamera].packets, 10);
  uint16_t lastScreenSeq = before[kBobScreen].lastSeq;

  engine_->setReceiveScreens("bob", false);
  settle();
  drainAll();
  sendAll(110, 20);
  auto hidden = bobReceives(500ms);
  EXPECT_EQ(hidden[kBobScreen].packets, 0) << "a refused screen sends nothing";
  EXPECT_EQ(hidden[kBobCamera].packets, 20) << "camera video still flows";
  EXPECT_EQ(hidden[kBobAudio].packets, 20);
  EXPECT_EQ(stats().pausedConsumers, 1u);
  EXPECT_EQ(plisTo(kScreen, 300ms), 0) << "no key frame for a screen nobody receives";

  engine_->setReceiveScreens("bob", true);
  settle();
  EXPECT_GE(plisTo(kScreen, 1000ms), 1) << "resuming asks the publisher for a key frame";
  sendAll(130, 5);
  auto shown = bobReceives(400ms);
  EXPECT_EQ(shown[kBobScreen].packets, 5);
  // The 20 skipped packets leave no gap in what Bob's browser sees (nothing to NACK).
  EXPECT_EQ(shown[kBobScreen].lastSeq, static_cast<uint16_t>(lastScreenSeq + 5));
  auto s = stats();
  EXPECT_EQ(s.pausedConsumers, 0u);
  EXPECT_EQ(s.consumersResumed, 1u);
}

TEST_F(ScreenShare, CombinesWithAudioOnlyAndActiveSpeaker) {
  // Active speaker with nobody speaking: no camera, but the screen is still shown.
  engine_->setReceiveMode("bob", ReceiveMode::ActiveSpeaker);
  settle();
  drainAll();
  sendAll(1, 8);
  auto speaker = bobReceives(400ms);
  EXPECT_EQ(speaker[kBobCamera].packets, 0);
  EXPECT_EQ(speaker[kBobScreen].packets, 8) << "a screen does not follow the active speaker";

  // ... unless screens are refused too: both flags hold at once.
  engine_->setReceiveScreens("bob", false);
  settle();
  sendAll(9, 8);
  auto both = bobReceives(400ms);
  EXPECT_EQ(both[kBobScreen].packets, 0);
  EXPECT_EQ(both[kBobAudio].packets, 8);
  EXPECT_EQ(stats().pausedConsumers, 2u);

  // Audio only means no video at all, whatever the screen choice says.
  engine_->setReceiveScreens("bob", true);
  engine_->setReceiveMode("bob", ReceiveMode::AudioOnly);
  settle();
  drainAll();
  sendAll(17, 8);
  auto audioOnly = bobReceives(400ms);
  EXPECT_EQ(audioOnly[kBobScreen].packets + audioOnly[kBobCamera].packets, 0);
  EXPECT_EQ(audioOnly[kBobAudio].packets, 8);

  engine_->setReceiveMode("bob", ReceiveMode::All);
  settle();
  drainAll();
  sendAll(25, 8);
  auto all = bobReceives(400ms);
  EXPECT_EQ(all[kBobScreen].packets, 8);
  EXPECT_EQ(all[kBobCamera].packets, 8);
}

}  // namespace
}  // namespace rounds
