// Integration: with two media workers, a new room goes to the worker carrying fewer participants
// (a meeting does not join a briefing's audience on one core while the other idles), a room's
// participants all share its worker, a room's placement is released with its last participant,
// and two rooms on the two workers forward their media at the same time, each only to its own.
#include <set>

#include "proto/rtp.hpp"
#include "support/media_fixture.hpp"

namespace rounds {
namespace {

using namespace std::chrono_literals;

class WorkerPlacement : public test::MediaEngineFixture {
 protected:
  WorkerPlacement() { config_.workers = 2; }

  // The UDP port of the worker that holds the last peer created (its candidates carry it).
  uint16_t lastPort() {
    for (const auto& c : lastDescription_.candidates)
      if (c.protocol == "udp") return c.port;
    ADD_FAILURE() << "no UDP candidate";
    return 0;
  }
  uint16_t portOf(const std::string& id, const std::string& room) {
    createPeer(id, room);
    return lastPort();
  }

  // How many RTP packets with `ssrc` `to` receives before 0.3 s pass without any, and whether
  // every packet it received carried `fill` (the publisher's payload byte) and nothing else.
  static size_t receivedFrom(test::TestPeer& to, uint32_t ssrc, uint8_t fill, bool& only) {
    size_t n = 0;
    only = true;
    while (auto p = to.receive(300ms)) {
      if (p->rtcp) continue;
      auto v = rtp::RtpView::parse(p->data);
      bool ours = v && v->ssrc() == ssrc && !v->payload().empty() && v->payload()[0] == fill;
      if (ours) ++n;
      only = only && ours;
    }
    return n;
  }
};

TEST_F(WorkerPlacement, NewRoomGoesToTheWorkerWithFewerParticipants) {
  ASSERT_EQ(engine_->ports().size(), 2u);
  // A briefing of five on one worker.
  uint16_t briefing = portOf("v0", "briefing");
  for (int i = 1; i < 5; ++i)
    EXPECT_EQ(portOf("v" + std::to_string(i), "briefing"), briefing) << "a room spans one worker";
  // Each worker holds one room now; the next rooms go to the other worker, which has fewer
  // participants (by rooms alone the first would be tied and chosen).
  uint16_t meeting = portOf("m0", "meeting");
  EXPECT_NE(meeting, briefing);
  EXPECT_EQ(portOf("c0", "consult"), meeting);
  EXPECT_EQ(portOf("c1", "consult"), meeting);
  // The briefing ends: its worker is empty and takes the next room.
  for (int i = 0; i < 5; ++i) engine_->closePeer("v" + std::to_string(i));
  EXPECT_EQ(portOf("r0", "rounds"), briefing);
  // A room that emptied and comes back is placed afresh (on the emptier worker, now the first).
  engine_->closePeer("m0");
  EXPECT_EQ(portOf("m1", "meeting"), briefing);
  std::vector<uint16_t> workers = engine_->ports();
  EXPECT_EQ(std::set<uint16_t>(workers.begin(), workers.end()),
            (std::set<uint16_t>{briefing, meeting}));
}

TEST_F(WorkerPlacement, TwoRoomsOnTwoWorkersForwardAtOnce) {
  auto alice = connectPeer("alice", "left");
  uint16_t left = lastPort();
  auto bob = connectPeer("bob", "left");
  auto carol = connectPeer("carol", "right");
  ASSERT_NE(lastPort(), left) << "the rooms share a worker";
  auto dave = connectPeer("dave", "right");
  engine_->addProducer("alice", test::opusProducer(1, 0xA1));
  engine_->addProducer("carol", test::opusProducer(2, 0xC1));
  addConsumer("bob", 3, 1, MediaKind::Audio, 0xB1, 111);
  addConsumer("dave", 4, 2, MediaKind::Audio, 0xD1, 111);
  for (uint16_t seq = 1; seq <= 20; ++seq) {
    alice->sendRtp(0xA1, seq, 960u * seq, 111, std::vector<uint8_t>(80, 0x11));
    carol->sendRtp(0xC1, seq, 960u * seq, 111, std::vector<uint8_t>(80, 0x22));
  }
  // Each subscriber gets its own room's publisher, all 20, and nothing from the other room.
  bool bobOnly = false, daveOnly = false;
  EXPECT_EQ(receivedFrom(*bob, 0xB1, 0x11, bobOnly), 20u);
  EXPECT_TRUE(bobOnly);
  EXPECT_EQ(receivedFrom(*dave, 0xD1, 0x22, daveOnly), 20u);
  EXPECT_TRUE(daveOnly);
}

}  // namespace
}  // namespace rounds
