// Integration: session resumption (docs/signalling.md "Resuming a session"). A participant's
// socket dies; within the grace period a new socket resumes the same participant with its
// one-time token, nobody else hears of it, and after an ICE restart from a new address media
// flows both ways over the same DTLS-SRTP session. Tokens work once, in their room, and die with
// a removal; without a resume the grace period ends in participant-left.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "support/series_room_fixture.hpp"
#include "support/test_peer.hpp"

namespace rounds {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ResumeWs : public WsConnection {
 public:
  explicit ResumeWs(uint64_t id) : id_(id) {}
  uint64_t id() const override { return id_; }
  std::string remoteAddress() const override { return "127.0.0.1:1"; }
  void send(std::string text) override { inbox.push_back(json::parse(text)); }
  void close(uint16_t code, std::string) override { closeCode = code; }
  bool isOpen() const override { return !closeCode; }
  std::optional<uint16_t> clientCloseCode() const override { return clientSaid; }

  std::deque<json> inbox;
  std::optional<uint16_t> closeCode;
  std::optional<uint16_t> clientSaid;  // a close frame "from the browser"

 private:
  uint64_t id_;
};

struct ForwardEvents : MediaEvents {
  MediaEvents* target = nullptr;
  void onMediaPeerConnected(const std::string& id) override {
    if (target) target->onMediaPeerConnected(id);
  }
  void onMediaPeerClosed(const std::string& id, const std::string& r) override {
    if (target) target->onMediaPeerClosed(id, r);
  }
};

// What a browser reads from one of our offers to reach the transport.
TransportDescription transportOf(const json& offer) {
  auto s = sdp::parse(offer["sdp"].get<std::string>());
  EXPECT_TRUE(s.ok());
  TransportDescription d;
  if (!s.ok() || s.value().media.empty()) return d;
  const auto& m = s.value().media.front();
  d.iceUfrag = s.value().effectiveIceUfrag(m);
  d.icePwd = s.value().effectiveIcePwd(m);
  if (auto fp = s.value().effectiveFingerprint(m)) d.fingerprintSha256 = fp->value;
  for (const auto& c : m.candidates) d.candidates.push_back({c.address, c.port, c.transport});
  return d;
}

class SessionResume : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(openSqliteStore(":memory:").value());
    attendance_ = std::make_unique<AttendanceService>(*store_, clock_);
    MediaConfig mc;
    mc.basePort = 0;
    mc.listenAddress = "127.0.0.1";
    media_ = std::make_unique<MediaEngine>(io_, mc, events_);
    ASSERT_TRUE(media_->start().ok());
    ConferenceConfig cc;
    cc.simulcast = false;
    cc.resumeGrace = 20s;
    cc.rosterBatchWindow = Millis{0};  // each join and leave told at once (batching: roster tests)
    conf_ = std::make_unique<Conference>(cc, *media_, *attendance_, clock_);
    events_.target = conf_.get();
    auto cert = Certificate::generate();
    ASSERT_TRUE(cert.ok());
    cert_ = cert.value();
  }
  void TearDown() override {
    conf_->shutdown();
    media_->stop();
  }

  void pump(std::chrono::milliseconds d = 30ms) {
    io_.restart();
    io_.run_for(d);
  }
  std::shared_ptr<ResumeWs> open() {
    auto ws = std::make_shared<ResumeWs>(nextId_++);
    conf_->onWsOpen(ws);
    return ws;
  }
  json request(const std::shared_ptr<ResumeWs>& ws, json msg) {
    msg["v"] = 1;
    msg["id"] = reqId_++;
    conf_->onWsMessage(ws, msg.dump());
    return next(ws, "reply");
  }
  // The next message of `type`, pumping the control loop for up to a second; null if none.
  json next(const std::shared_ptr<ResumeWs>& ws, const std::string& type) {
    for (int i = 0; i < 100; ++i) {
      while (!ws->inbox.empty()) {
        json m = ws->inbox.front();
        ws->inbox.pop_front();
        if (m["type"] == type) return m;
      }
      pump(10ms);
    }
    return json{};
  }
  // True when a message of `type` is queued (the queue is left as it is).
  static bool holds(const std::shared_ptr<ResumeWs>& ws, const std::string& type) {
    return std::any_of(ws->inbox.begin(), ws->inbox.end(),
                       [&](const json& m) { return m["type"] == type; });
  }
  json join(const std::shared_ptr<ResumeWs>& ws, const std::string& name,
            const std::string& room = "ward") {
    return request(ws, {{"type", "join"}, {"room", room}, {"name", name}});
  }
  json resume(const std::shared_ptr<ResumeWs>& ws, const json& token,
              const std::string& room = "ward") {
    return request(ws, {{"type", "resume"}, {"room", room}, {"token", token}});
  }
  static std::string errorCode(const json& reply) {
    return reply.value("ok", true) ? "" : reply["error"]["code"].get<std::string>();
  }

  // Answers the next offer as `peer` (its ICE ufrag and certificate); returns the offer.
  json answerAs(const std::shared_ptr<ResumeWs>& ws, const test::TestPeer& peer) {
    json offer = next(ws, "offer");
    EXPECT_FALSE(offer.is_null()) << "no offer";
    if (offer.is_null()) return offer;
    auto answer = sdp::parse(test::browserAnswer(offer["sdp"].get<std::string>(), true, peer.ufrag()));
    EXPECT_TRUE(answer.ok());
    answer.value().fingerprint = sdp::Fingerprint{"sha-256", peer.fingerprint()};
    json reply = request(ws, {{"type", "answer"},
                              {"offerId", offer["offerId"]},
                              {"sdp", sdp::serialize(answer.value())}});
    EXPECT_TRUE(reply.value("ok", false)) << reply.dump();
    pump();
    std::this_thread::sleep_for(50ms);  // the worker takes the browser's ufrag and fingerprint
    return offer;
  }
  // A participant that joined and connected its media; its id comes back in `id`.
  std::unique_ptr<test::TestPeer> joinAndConnect(const std::shared_ptr<ResumeWs>& ws,
                                                 const std::string& name, json& reply) {
    reply = join(ws, name);
    EXPECT_TRUE(reply.value("ok", false)) << reply.dump();
    auto peer = std::make_unique<test::TestPeer>(cert_);
    json offer = answerAs(ws, *peer);
    lastUfrag_ = transportOf(offer).iceUfrag;
    EXPECT_TRUE(peer->connect(transportOf(offer), 5000ms)) << name << " did not connect";
    pump();
    return peer;
  }
  // RTP packets (Opus, PT 111) from `from` that reach `to`.
  static int relay(test::TestPeer& from, test::TestPeer& to, uint16_t seq0, int count) {
    std::vector<uint8_t> payload(120, 0x42);
    for (int i = 0; i < count; ++i)
      from.sendRtp(1000, static_cast<uint16_t>(seq0 + i), 960u * (seq0 + i), 111, payload);
    int got = 0;
    while (got < count) {
      auto p = to.receive(1000ms);
      if (!p) break;
      if (!p->rtcp) ++got;
    }
    return got;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  ForwardEvents events_;
  test::StepClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AttendanceService> attendance_;
  std::unique_ptr<MediaEngine> media_;
  std::unique_ptr<Conference> conf_;
  std::shared_ptr<Certificate> cert_;
  uint64_t nextId_ = 1;
  int64_t reqId_ = 1;
  std::string lastUfrag_;  // the server's ufrag in the last joinAndConnect's offer
};

TEST_F(SessionResume, SameParticipantNobodyToldAndMediaFlowsAfterIceRestart) {
  auto aliceWs = open(), bobWs = open();
  json a, b;
  auto alice = joinAndConnect(aliceWs, "Alice", a);
  const std::string firstUfrag = lastUfrag_;
  auto bob = joinAndConnect(bobWs, "Bob", b);
  answerAs(aliceWs, *alice);  // Bob's tracks
  const std::string aliceId = a["data"]["participantId"];
  const json token = a["data"]["resumeToken"];
  ASSERT_TRUE(token.is_string());
  EXPECT_EQ(token.get<std::string>().size(), 22u);  // 128 bits, base64url without padding
  EXPECT_EQ(a["data"]["resumeGraceMs"], 20000);
  ASSERT_EQ(relay(*alice, *bob, 1, 10), 10);
  ASSERT_EQ(relay(*bob, *alice, 1, 10), 10);

  // Alice's network goes: the socket closes without `leave`; she moves to a new address.
  conf_->onWsClose(aliceWs);
  pump(100ms);
  EXPECT_EQ(conf_->participantsJson("ward").size(), 2u);
  EXPECT_EQ(conf_->sessionStats().detached, 1u);

  auto again = open();
  json r = resume(again, token);
  ASSERT_TRUE(r.value("ok", false)) << r.dump();
  EXPECT_EQ(r["data"]["participantId"], aliceId);
  EXPECT_TRUE(r["data"]["resumed"].get<bool>());
  ASSERT_EQ(r["data"]["participants"].size(), 1u);
  EXPECT_EQ(r["data"]["participants"][0]["id"], b["data"]["participantId"]);
  EXPECT_NE(r["data"]["resumeToken"], token);  // a fresh one for the next time

  ASSERT_TRUE(request(again, {{"type", "restart-ice"}}).value("ok", false));
  json restartOffer = next(again, "offer");
  ASSERT_FALSE(restartOffer.is_null());
  TransportDescription fresh = transportOf(restartOffer);
  EXPECT_NE(fresh.iceUfrag, firstUfrag);
  SocketAddress oldAddress = alice->local();
  ASSERT_TRUE(alice->restartIce(fresh, 3000ms, /*newSocket=*/true));
  EXPECT_FALSE(alice->local() == oldAddress);
  auto answer = sdp::parse(
      test::browserAnswer(restartOffer["sdp"].get<std::string>(), true, alice->ufrag()));
  answer.value().fingerprint = sdp::Fingerprint{"sha-256", alice->fingerprint()};
  ASSERT_TRUE(request(again, {{"type", "answer"},
                              {"offerId", restartOffer["offerId"]},
                              {"sdp", sdp::serialize(answer.value())}})
                  .value("ok", false));
  pump();
  std::this_thread::sleep_for(50ms);

  // The same DTLS-SRTP session on the new path, both ways.
  EXPECT_EQ(relay(*alice, *bob, 11, 10), 10) << "Alice -> Bob after the resume";
  EXPECT_EQ(relay(*bob, *alice, 11, 10), 10) << "Bob -> Alice after the resume";
  pump(100ms);
  EXPECT_FALSE(holds(bobWs, "participant-left")) << "Bob was told Alice left";
  EXPECT_FALSE(holds(bobWs, "participant-joined")) << "Bob was told Alice joined again";
  SessionStats s = conf_->sessionStats();
  EXPECT_EQ(s.iceRestarts, 1u);
  EXPECT_EQ(s.resumed, 1u);
  EXPECT_EQ(s.detached, 0u);
}

TEST_F(SessionResume, TokenWorksOnceInItsRoomAndTakesOverALiveSocket) {
  auto aliceWs = open(), bobWs = open();
  json a = join(aliceWs, "Alice");
  join(bobWs, "Bob");
  const json token = a["data"]["resumeToken"];
  const std::string aliceId = a["data"]["participantId"];

  // The old socket still looks open (its TCP connection died silently): the resume wins.
  auto second = open();
  EXPECT_EQ(errorCode(resume(second, token, "other-room")), "resume_failed");
  json r = resume(second, token);
  ASSERT_TRUE(r.value("ok", false)) << r.dump();
  EXPECT_EQ(r["data"]["participantId"], aliceId);
  EXPECT_EQ(aliceWs->closeCode, kCloseResumedElsewhere);
  conf_->onWsClose(aliceWs);  // the old socket's end changes nothing now
  EXPECT_EQ(conf_->participantsJson("ward").size(), 2u);
  EXPECT_EQ(conf_->sessionStats().detached, 0u);

  // The used token is dead; the new one works (once).
  auto third = open();
  EXPECT_EQ(errorCode(resume(third, token)), "resume_failed");
  EXPECT_EQ(errorCode(resume(third, "not-a-token")), "resume_failed");
  json again = resume(third, r["data"]["resumeToken"]);
  ASSERT_TRUE(again.value("ok", false)) << again.dump();
  EXPECT_EQ(again["data"]["participantId"], aliceId);
  // A connection that is already someone cannot resume anyone.
  EXPECT_EQ(errorCode(resume(third, again["data"]["resumeToken"])), "already_joined");
  EXPECT_FALSE(holds(bobWs, "participant-left"));
  EXPECT_EQ(conf_->sessionStats().resumeRefused, 3u);
}

TEST_F(SessionResume, GraceExpiryRemovesTheParticipant) {
  auto aliceWs = open(), bobWs = open();
  json a = join(aliceWs, "Alice");
  join(bobWs, "Bob");
  conf_->onWsClose(aliceWs);
  clock_.advance(19s);
  conf_->expireDetached();
  EXPECT_FALSE(holds(bobWs, "participant-left"));
  clock_.advance(1s);
  conf_->expireDetached();
  json left = next(bobWs, "participant-left");
  ASSERT_FALSE(left.is_null());
  EXPECT_EQ(left["id"], a["data"]["participantId"]);
  EXPECT_EQ(left["reason"], "disconnected");
  EXPECT_EQ(conf_->participantsJson("ward").size(), 1u);
  EXPECT_EQ(errorCode(resume(open(), a["data"]["resumeToken"])), "resume_failed");
  EXPECT_EQ(conf_->sessionStats().graceExpired, 1u);
  EXPECT_EQ(conf_->sessionStats().detached, 0u);
}

TEST_F(SessionResume, LeaveAndABrowsersOwnCloseEndTheSessionAtOnce) {
  auto aliceWs = open(), bobWs = open(), carolWs = open();
  json a = join(aliceWs, "Alice");
  join(bobWs, "Bob");
  json c = join(carolWs, "Carol");
  ASSERT_TRUE(request(aliceWs, {{"type", "leave"}}).value("ok", false));
  EXPECT_EQ(next(bobWs, "participant-left")["id"], a["data"]["participantId"]);
  EXPECT_EQ(errorCode(resume(open(), a["data"]["resumeToken"])), "resume_failed");
  // A reloaded tab: the browser's close frame says 1001 (going away).
  carolWs->clientSaid = 1001;
  conf_->onWsClose(carolWs);
  EXPECT_EQ(next(bobWs, "participant-left")["id"], c["data"]["participantId"]);
  EXPECT_EQ(errorCode(resume(open(), c["data"]["resumeToken"])), "resume_failed");
}

TEST(SessionResumeOff, NoGraceMeansNoTokenAndRemovalAtOnce) {
  boost::asio::io_context io;
  auto store = std::move(openSqliteStore(":memory:").value());
  AttendanceService attendance(*store, SystemClock::instance());
  test::NoEvents events;
  MediaConfig mc;
  mc.basePort = 0;
  MediaEngine media(io, mc, events);
  ASSERT_TRUE(media.start().ok());
  ConferenceConfig cc;
  cc.resumeGrace = Millis{0};
  Conference conf(cc, media, attendance);
  auto a = std::make_shared<ResumeWs>(1), b = std::make_shared<ResumeWs>(2);
  conf.onWsOpen(a);
  conf.onWsOpen(b);
  conf.onWsMessage(a, R"({"v":1,"id":1,"type":"join","room":"w","name":"A"})");
  conf.onWsMessage(b, R"({"v":1,"id":1,"type":"join","room":"w","name":"B"})");
  EXPECT_FALSE(a->inbox.front()["data"].contains("resumeToken"));
  conf.onWsClose(a);
  EXPECT_EQ(conf.participantsJson("w").size(), 1u);
  conf.shutdown();
  media.stop();
}

// A host's removal kills the token, also of someone whose socket is gone.
class RemovedResume : public test::SeriesRoomTest {};

TEST_F(RemovedResume, RemovedParticipantsTokenIsRefused) {
  auto host = open();
  json h = join(host, "host", {{"hostToken", hostToken_}});
  ASSERT_TRUE(h.value("ok", false)) << h.dump();
  auto guest = open();
  json g = join(guest, "guest", {{"invite", invite().token}});
  ASSERT_TRUE(g.value("ok", false)) << g.dump();
  const std::string guestId = g["data"]["participantId"];
  conf_->onWsClose(guest);  // network gone: waiting for a resume
  EXPECT_TRUE(next(host, "participant-left").is_null());
  ASSERT_TRUE(request(host, {{"type", "remove"}, {"participantId", guestId}}).value("ok", false));
  json left = next(host, "participant-left");
  EXPECT_EQ(left["id"], guestId);
  EXPECT_EQ(left["reason"], "removed");
  auto back = open();
  json r = request(back, {{"type", "resume"}, {"room", room_}, {"token", g["data"]["resumeToken"]}});
  EXPECT_EQ(errorCode(r), "resume_failed");
  EXPECT_EQ(conf_->participantsJson(room_).size(), 1u);
}

}  // namespace
}  // namespace rounds
