// Integration: a publisher's late packet (its repair of a loss, or a reordered packet) reaches
// only the subscribers that were there before it. One that started after it began at a later
// packet, and the late one would land below the first number it saw: a gap behind its start
// (docs/architecture.md, "Loss and recovery").
#include "proto/rtp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kAliceVideo = 0xA2;
constexpr uint32_t kBobVideo = 0xB2;
constexpr uint32_t kCarolVideo = 0xC2;

class LateRepair : public test::MediaEngineFixture {
 protected:
  void send(test::TestPeer& from, uint16_t seq) {
    from.sendRtp(kAliceVideo, seq, 3000u * seq, 96, std::vector<uint8_t>(300, 0x5A));
  }

  // The sequence numbers of the next `count` RTP packets `to` receives (a second each at most).
  static std::vector<uint16_t> received(test::TestPeer& to, size_t count) {
    std::vector<uint16_t> seqs;
    while (seqs.size() < count) {
      auto p = to.receive(1000ms);
      if (!p) break;
      if (p->rtcp) continue;
      if (auto v = rtp::RtpView::parse(p->data)) seqs.push_back(v->sequenceNumber());
    }
    return seqs;
  }
};

TEST_F(LateRepair, ReachesOnlySubscribersThatStartedBeforeIt) {
  auto alice = connectPeer("alice", "room1");
  auto bob = connectPeer("bob", "room1");
  auto carol = connectPeer("carol", "room1");
  addProducer("alice", 1, MediaKind::Video, kAliceVideo, 96, "1");
  addConsumer("bob", 2, 1, MediaKind::Video, kBobVideo, 96);
  send(*alice, 100);
  send(*alice, 101);
  send(*alice, 103);  // 102 lost on the way in
  auto bobFirst = received(*bob, 3);
  ASSERT_EQ(bobFirst.size(), 3u);
  addConsumer("carol", 3, 1, MediaKind::Video, kCarolVideo, 96);  // joins while 102 is missing
  send(*alice, 104);
  auto carolFirst = received(*carol, 1);
  ASSERT_EQ(carolFirst.size(), 1u);
  send(*alice, 102);  // the repair
  send(*alice, 105);
  // Bob, there since 100, gets the repair in its place; Carol, who began at 104, only 105.
  auto bobNext = received(*bob, 3);
  ASSERT_EQ(bobNext.size(), 3u);
  EXPECT_EQ(static_cast<uint16_t>(bobNext[1] - bobFirst[0]), 2) << "102 as the third of Bob's";
  auto carolNext = received(*carol, 1);
  ASSERT_EQ(carolNext.size(), 1u);
  EXPECT_EQ(static_cast<uint16_t>(carolNext[0] - carolFirst[0]), 1)
      << "Carol's next is 105, right after her first (104), not the repair below it";
}

}  // namespace
}  // namespace rounds
