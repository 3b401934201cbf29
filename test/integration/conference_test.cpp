// Integration: the control plane's conference logic with a real MediaEngine and a real (in-memory)
// SQLite store, driven through fake WebSocket connections that answer offers like a browser would.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "control/conference.hpp"
#include "proto/sdp.hpp"
#include "support/browser_answer.hpp"

namespace rounds {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class FakeWs : public WsConnection {
 public:
  explicit FakeWs(uint64_t id) : id_(id) {}
  uint64_t id() const override { return id_; }
  std::string remoteAddress() const override { return "127.0.0.1:1"; }
  void send(std::string text) override { inbox.push_back(json::parse(text)); }
  void close(uint16_t code, std::string) override {
    closeCode = code;
    open_ = false;
  }
  bool isOpen() const override { return open_; }
  std::optional<uint16_t> clientCloseCode() const override { return clientSaid; }

  std::deque<json> inbox;
  std::optional<uint16_t> closeCode;
  std::optional<uint16_t> clientSaid;  // the close frame's code "the browser" sent

 private:
  uint64_t id_;
  bool open_ = true;
};

using test::browserAnswer;

struct Events : MediaEvents {
  MediaEvents* target = nullptr;
  void onMediaPeerConnected(const std::string& id) override { target->onMediaPeerConnected(id); }
  void onMediaPeerClosed(const std::string& id, const std::string& r) override {
    target->onMediaPeerClosed(id, r);
  }
};

constexpr const char* kTurnSecret = "conference-test-secret";

class ConferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(openSqliteStore(":memory:").value());
    attendance_ = std::make_unique<AttendanceService>(*store_, SystemClock::instance());
    MediaConfig mc;
    mc.basePort = 0;
    media_ = std::make_unique<MediaEngine>(io_, mc, events_);
    ASSERT_TRUE(media_->start().ok());
    ConferenceConfig cc;
    cc.maxParticipantsPerRoom = 3;
    cc.turn.urls = {"turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"};
    cc.turn.secret = kTurnSecret;
    conf_ = std::make_unique<Conference>(cc, *media_, *attendance_);
    events_.target = conf_.get();
  }
  void TearDown() override {
    conf_->shutdown();
    media_->stop();
  }

  // Runs the control loop for `d`; the work guard keeps it waiting for the workers' posts.
  void pump(std::chrono::milliseconds d = 30ms) {
    io_.restart();
    io_.run_for(d);
  }

  // A conference with another configuration (the roster tests' room size and window).
  void reconfigure(const ConferenceConfig& cc) {
    conf_->shutdown();
    conf_ = std::make_unique<Conference>(cc, *media_, *attendance_);
    events_.target = conf_.get();
  }

  // Runs the loop for `d`, then hands over (and forgets) everything `ws` received.
  std::vector<json> drain(const std::shared_ptr<FakeWs>& ws, std::chrono::milliseconds d) {
    pump(d);
    std::vector<json> out(ws->inbox.begin(), ws->inbox.end());
    ws->inbox.clear();
    return out;
  }

  // What `ws` was told about the roster, in order: "+Name" for a join, "-Name" for a leave
  // (names looked up in `names`, participant id -> name), "|" between two messages.
  static std::string rosterNews(const std::vector<json>& messages,
                                const std::map<std::string, std::string>& names) {
    std::string out;
    auto add = [&](const std::string& item) { out += item; };
    for (const json& m : messages) {
      std::string type = m.value("type", "");
      if (type != "participant-joined" && type != "participant-left" && type != "roster") continue;
      if (!out.empty()) add("|");
      if (type == "participant-joined") add("+" + m["participant"]["name"].get<std::string>());
      if (type == "participant-left") add("-" + names.at(m["id"].get<std::string>()));
      if (type == "roster") {
        for (const json& p : m["joined"]) add("+" + p["name"].get<std::string>());
        for (const json& l : m["left"]) add("-" + names.at(l["id"].get<std::string>()));
      }
    }
    return out;
  }

  std::shared_ptr<FakeWs> open() {
    auto ws = std::make_shared<FakeWs>(nextId_++);
    conf_->onWsOpen(ws);
    return ws;
  }

  void sendReq(const std::shared_ptr<FakeWs>& ws, json msg) {
    msg["v"] = 1;
    msg["id"] = reqId_++;
    conf_->onWsMessage(ws, msg.dump());
  }

  // Pops messages until one of `type` arrives (pumping the loop), failing after a timeout.
  json next(const std::shared_ptr<FakeWs>& ws, const std::string& type) {
    for (int i = 0; i < 100; ++i) {
      while (!ws->inbox.empty()) {
        json m = ws->inbox.front();
        ws->inbox.pop_front();
        if (m["type"] == type) return m;
      }
      pump(10ms);
    }
    ADD_FAILURE() << "no '" << type << "' message";
    return json{};
  }

  json join(const std::shared_ptr<FakeWs>& ws, const std::string& name, const std::string& room = "r1") {
    sendReq(ws, {{"type", "join"}, {"room", room}, {"name", name}});
    return next(ws, "reply");
  }

  // Answers the next offer; returns the offer.
  json answerNextOffer(const std::shared_ptr<FakeWs>& ws) {
    json offer = next(ws, "offer");
    sendReq(ws, {{"type", "answer"}, {"offerId", offer["offerId"]},
                 {"sdp", browserAnswer(offer["sdp"].get<std::string>())}});
    json reply = next(ws, "reply");
    EXPECT_TRUE(reply["ok"].get<bool>()) << reply.dump();
    return offer;
  }

  static size_t countDirection(const json& offer, sdp::Direction d) {
    auto s = sdp::parse(offer["sdp"].get<std::string>());
    size_t n = 0;
    for (const auto& m : s.value().media) n += m.direction == d;
    return n;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
  Events events_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AttendanceService> attendance_;
  std::unique_ptr<MediaEngine> media_;
  std::unique_ptr<Conference> conf_;
  uint64_t nextId_ = 1;
  int64_t reqId_ = 1;
};

TEST_F(ConferenceTest, ThreeJoinWhileOffersAreInFlight) {
  auto a = open(), b = open(), c = open();
  json ra = join(a, "Alice");
  ASSERT_TRUE(ra["ok"].get<bool>());
  EXPECT_TRUE(ra["data"]["participants"].empty());
  answerNextOffer(a);  // Alice publishes audio + video

  json rb = join(b, "Bob");
  ASSERT_EQ(rb["data"]["participants"].size(), 1u);
  EXPECT_EQ(next(a, "participant-joined")["participant"]["name"], "Bob");
  json bOffer = answerNextOffer(b);
  EXPECT_EQ(countDirection(bOffer, sdp::Direction::SendOnly), 2u);  // Alice's two tracks

  // Bob's tracks are now offered to Alice. Before she answers, Carol joins and publishes, so
  // Alice's plan grows while her offer is in flight: her answer must still be accepted.
  json aOffer2 = next(a, "offer");
  join(c, "Carol");
  answerNextOffer(c);
  sendReq(a, {{"type", "answer"}, {"offerId", aOffer2["offerId"]},
              {"sdp", browserAnswer(aOffer2["sdp"].get<std::string>())}});
  json reply = next(a, "reply");
  ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  // The queued offer follows with Carol's tracks too.
  json aOffer3 = answerNextOffer(a);
  EXPECT_EQ(countDirection(aOffer3, sdp::Direction::SendOnly), 4u);

  auto rooms = conf_->rooms();
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].participants, 3u);
}

TEST_F(ConferenceTest, LeavingMakesTracksInactiveAndRecordsAttendance) {
  auto a = open(), b = open();
  join(a, "Alice");
  answerNextOffer(a);
  json rb = join(b, "Bob");
  std::string bobId = rb["data"]["participantId"];
  answerNextOffer(b);
  answerNextOffer(a);  // Bob's tracks

  sendReq(b, {{"type", "leave"}});
  EXPECT_TRUE(next(b, "reply")["ok"].get<bool>());
  EXPECT_EQ(b->closeCode, 1000);
  json left = next(a, "participant-left");
  EXPECT_EQ(left["id"], bobId);
  EXPECT_EQ(left["reason"], "left");
  json offer = answerNextOffer(a);
  EXPECT_EQ(countDirection(offer, sdp::Direction::SendOnly), 0u);
  EXPECT_EQ(countDirection(offer, sdp::Direction::Inactive), 2u);

  auto rows = attendance_->forRoom("r1");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows.value().size(), 2u);
  bool bobLeft = false;
  for (const auto& r : rows.value())
    if (r.participantId == bobId) bobLeft = r.leftAtMs.has_value() && r.leaveReason == "left";
  EXPECT_TRUE(bobLeft);
}

TEST_F(ConferenceTest, ClosedSocketRemovesParticipant) {
  auto a = open(), b = open();
  join(a, "Alice");
  json rb = join(b, "Bob");
  // The tab closed: a close frame with 1001 ends the session at once (a socket that just dies
  // waits for a resume: session_resume_test.cpp).
  b->clientSaid = 1001;
  conf_->onWsClose(b);
  json left = next(a, "participant-left");
  EXPECT_EQ(left["id"], rb["data"]["participantId"]);
  EXPECT_EQ(left["reason"], "disconnected");
}

TEST_F(ConferenceTest, ErrorsHaveCodes) {
  auto a = open();
  sendReq(a, {{"type", "update"}, {"audioMuted", true}});
  EXPECT_EQ(next(a, "reply")["error"]["code"], "not_joined");
  join(a, "Alice");
  sendReq(a, {{"type", "join"}, {"room", "r1"}, {"name", "Again"}});
  EXPECT_EQ(next(a, "reply")["error"]["code"], "already_joined");
  json offer = next(a, "offer");
  sendReq(a, {{"type", "answer"}, {"offerId", 999}, {"sdp", "v=0"}});
  EXPECT_EQ(next(a, "reply")["error"]["code"], "offer_mismatch");
  sendReq(a, {{"type", "answer"}, {"offerId", offer["offerId"]}, {"sdp", "this is not sdp"}});
  json bad = next(a, "reply");
  EXPECT_EQ(bad["error"]["code"], "sdp_invalid");
  // The offer is still open: a correct answer after a wrong one is accepted.
  sendReq(a, {{"type", "answer"}, {"offerId", offer["offerId"]},
              {"sdp", browserAnswer(offer["sdp"].get<std::string>())}});
  EXPECT_TRUE(next(a, "reply")["ok"].get<bool>());
}

TEST_F(ConferenceTest, RoomFull) {
  auto a = open(), b = open(), c = open(), d = open();
  join(a, "A");
  join(b, "B");
  join(c, "C");
  json r = join(d, "D");
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["code"], "room_full");
  // Another room is unaffected.
  EXPECT_TRUE(join(d, "D", "r2")["ok"].get<bool>());
}

TEST_F(ConferenceTest, MuteIsBroadcast) {
  auto a = open(), b = open();
  join(a, "Alice");
  join(b, "Bob");
  sendReq(b, {{"type", "update"}, {"audioMuted", true}});
  EXPECT_TRUE(next(b, "reply")["ok"].get<bool>());
  json u = next(a, "participant-updated");
  EXPECT_EQ(u["participant"]["audioMuted"], true);
  EXPECT_EQ(u["participant"]["videoMuted"], false);
}

TEST_F(ConferenceTest, ReceiveChoiceIsConfirmedAndOnlyHostsSetTheRoomDefault) {
  auto a = open(), b = open();
  json ra = join(a, "Alice");
  EXPECT_EQ(ra["data"]["receive"], (json{{"mode", "all"}, {"choice", nullptr}, {"roomDefault", "all"}, {"screen", "show"}, {"screenChoice", nullptr}, {"roomScreen", "show"}}));
  join(b, "Bob");
  sendReq(b, {{"type", "receive"}, {"mode", "audio-only"}});
  json r = next(b, "reply");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["data"], (json{{"mode", "audio-only"}, {"choice", "audio-only"}, {"roomDefault", "all"}, {"screen", "show"}, {"screenChoice", nullptr}, {"roomScreen", "show"}}));
  // Bob is no host: the room's default is not his to set, and nobody hears of it.
  sendReq(b, {{"type", "receive"}, {"mode", "audio-only"}, {"roomDefault", true}});
  r = next(b, "reply");
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["code"], "not_host");
  sendReq(b, {{"type", "receive"}, {"mode", "room-default"}});
  r = next(b, "reply");
  EXPECT_EQ(r["data"], (json{{"mode", "all"}, {"choice", nullptr}, {"roomDefault", "all"}, {"screen", "show"}, {"screenChoice", nullptr}, {"roomScreen", "show"}}));
  for (const auto& m : a->inbox) EXPECT_NE(m["type"], "receive");
}

TEST_F(ConferenceTest, FloodOfMalformedMessagesClosesOnlyThatSocket) {
  auto a = open(), b = open();
  join(b, "Bob");
  for (int i = 0; i < 25 && !a->closeCode; ++i) conf_->onWsMessage(a, "{not json");
  EXPECT_EQ(a->closeCode, 1008);
  EXPECT_FALSE(b->closeCode.has_value());
  EXPECT_EQ(next(a, "reply")["error"]["code"], "bad_request");
}

TEST_F(ConferenceTest, JoinReplyCarriesTurnCredentials) {
  auto a = open();
  json r = join(a, "Alice");
  ASSERT_TRUE(r["ok"].get<bool>());
  const json& servers = r["data"]["iceServers"];
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0]["urls"].size(), 2u);
  std::string username = servers[0]["username"];
  std::string pid = r["data"]["participantId"];
  // "<expiry>:<participantId>", the expiry an hour (the default ttl) from now.
  auto colon = username.find(':');
  ASSERT_NE(colon, std::string::npos);
  EXPECT_EQ(username.substr(colon + 1), pid);
  int64_t expiry = std::stoll(username.substr(0, colon));
  int64_t now = SystemClock::instance().wallMillis() / 1000;
  EXPECT_NEAR(static_cast<double>(expiry - now), 3600.0, 5.0);
  EXPECT_EQ(servers[0]["credential"], TurnCredentials::password(kTurnSecret, username));
}

TEST_F(ConferenceTest, RestartIceSendsAnOfferWithNewCredentials) {
  auto a = open();
  join(a, "Alice");
  json first = answerNextOffer(a);
  sendReq(a, {{"type", "restart-ice"}});
  json reply = next(a, "reply");
  EXPECT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  json offer = next(a, "offer");
  auto before = sdp::parse(first["sdp"].get<std::string>()).value();
  auto after = sdp::parse(offer["sdp"].get<std::string>()).value();
  ASSERT_FALSE(after.media.empty());
  EXPECT_NE(after.effectiveIceUfrag(after.media[0]), before.effectiveIceUfrag(before.media[0]));
  EXPECT_NE(after.media[0].icePwd, before.media[0].icePwd);
  EXPECT_EQ(after.media.size(), before.media.size());
  // The browser answers with its own new ufrag (RFC 8839 §4.4.1.1.2).
  sendReq(a, {{"type", "answer"}, {"offerId", offer["offerId"]},
              {"sdp", browserAnswer(offer["sdp"].get<std::string>(), true, "brwnew")}});
  json answered = next(a, "reply");
  EXPECT_TRUE(answered["ok"].get<bool>()) << answered.dump();
}

TEST_F(ConferenceTest, RestartIceNeedsAJoin) {
  auto a = open();
  sendReq(a, {{"type", "restart-ice"}});
  json reply = next(a, "reply");
  EXPECT_FALSE(reply["ok"].get<bool>());
  EXPECT_EQ(reply["error"]["code"], "not_joined");
}

// Screen sharing (docs/signalling.md "Screen sharing"): `share` adds the sharer's own screen line
// (recvonly, a=content:slides), its answer makes a screen producer that the others get on a
// sendonly slides line of their own; stopping makes both lines inactive, sharing again reuses
// the sharer's line.
TEST_F(ConferenceTest, ShareOffersTheScreenToOthersAndStoppingMakesItInactive) {
  auto a = open(), b = open();
  std::string aliceId = join(a, "Alice")["data"]["participantId"];
  answerNextOffer(a);
  join(b, "Bob");
  answerNextOffer(b);
  answerNextOffer(a);  // Bob's tracks

  auto slidesLines = [](const json& offer, sdp::Direction d) {
    std::vector<sdp::MediaSection> out;
    auto parsed = sdp::parse(offer["sdp"].get<std::string>());
    for (const auto& m : parsed.value().media)
      if (m.direction == d && std::count(m.otherAttributes.begin(), m.otherAttributes.end(), "content:slides"))
        out.push_back(m);
    return out;
  };
  sendReq(a, {{"type", "share"}, {"active", true}});
  json reply = next(a, "reply");
  ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  json aOffer = answerNextOffer(a);  // Alice's browser answers sendonly on the screen line
  auto own = slidesLines(aOffer, sdp::Direction::RecvOnly);
  ASSERT_EQ(own.size(), 1u) << "the sharer gets one screen line to send on";
  EXPECT_TRUE(own[0].simulcast.empty());
  size_t aliceLines = sdp::parse(aOffer["sdp"].get<std::string>()).value().media.size();

  json updated = next(b, "participant-updated");
  EXPECT_EQ(updated["participant"]["id"], aliceId);
  EXPECT_TRUE(updated["participant"]["screen"].get<bool>());
  json bOffer = answerNextOffer(b);
  auto theirs = slidesLines(bOffer, sdp::Direction::SendOnly);
  ASSERT_EQ(theirs.size(), 1u) << "Bob gets Alice's screen on a line of its own";
  EXPECT_EQ(theirs[0].msid, aliceId + " screen-" + aliceId);
  EXPECT_EQ(countDirection(bOffer, sdp::Direction::SendOnly), 3u);  // camera, microphone, screen

  sendReq(a, {{"type", "share"}, {"active", false}});
  EXPECT_TRUE(next(a, "reply")["ok"].get<bool>());
  EXPECT_FALSE(next(b, "participant-updated")["participant"]["screen"].get<bool>());
  bOffer = answerNextOffer(b);
  EXPECT_EQ(slidesLines(bOffer, sdp::Direction::SendOnly).size(), 0u);
  EXPECT_EQ(slidesLines(bOffer, sdp::Direction::Inactive).size(), 1u);
  EXPECT_EQ(countDirection(bOffer, sdp::Direction::SendOnly), 2u) << "the camera stays";
  aOffer = answerNextOffer(a);
  EXPECT_EQ(slidesLines(aOffer, sdp::Direction::Inactive).size(), 1u);

  // Sharing again: the same line of Alice's, and a new one for Bob.
  sendReq(a, {{"type", "share"}, {"active", true}});
  EXPECT_TRUE(next(a, "reply")["ok"].get<bool>());
  aOffer = answerNextOffer(a);
  EXPECT_EQ(sdp::parse(aOffer["sdp"].get<std::string>()).value().media.size(), aliceLines);
  EXPECT_EQ(slidesLines(aOffer, sdp::Direction::RecvOnly).size(), 1u);
  EXPECT_TRUE(next(b, "participant-updated")["participant"]["screen"].get<bool>());
  bOffer = answerNextOffer(b);
  EXPECT_EQ(slidesLines(bOffer, sdp::Direction::SendOnly).size(), 1u);
}

TEST_F(ConferenceTest, NoIncomingScreenIsASeparateChoiceWithARoomDefaultForHostsOnly) {
  auto a = open();
  join(a, "Alice");
  sendReq(a, {{"type", "receive"}, {"screen", "hide"}});
  json r = next(a, "reply");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["data"]["screen"], "hide");
  EXPECT_EQ(r["data"]["screenChoice"], "hide");
  EXPECT_EQ(r["data"]["roomScreen"], "show");
  EXPECT_EQ(r["data"]["mode"], "all") << "the mode is left as it was";
  sendReq(a, {{"type", "receive"}, {"mode", "active-speaker"}});
  r = next(a, "reply");
  EXPECT_EQ(r["data"]["mode"], "active-speaker");
  EXPECT_EQ(r["data"]["screen"], "hide") << "and the screen choice stays";
  sendReq(a, {{"type", "receive"}, {"screen", "room-default"}});
  r = next(a, "reply");
  EXPECT_EQ(r["data"]["screen"], "show");
  EXPECT_TRUE(r["data"]["screenChoice"].is_null());
  sendReq(a, {{"type", "receive"}, {"screen", "hide"}, {"roomDefault", true}});
  EXPECT_EQ(next(a, "reply")["error"]["code"], "not_host");
}

// ---- the roster: who joined and left (roster.cpp) ----

class RosterTest : public ConferenceTest {
 protected:
  void SetUp() override {
    ConferenceTest::SetUp();
    ConferenceConfig cc;
    cc.maxParticipantsPerRoom = 8;
    cc.rosterBatchWindow = 1000ms;  // long, so that a slow (sanitizer) build's joins fall inside
    reconfigure(cc);
  }
  std::string joinAs(const std::shared_ptr<FakeWs>& ws, const std::string& name) {
    json reply = join(ws, name);
    EXPECT_TRUE(reply.value("ok", false)) << reply.dump();
    std::string id = reply["data"]["participantId"].get<std::string>();
    names_[id] = name;
    return id;
  }
  std::string news(const std::shared_ptr<FakeWs>& ws, std::chrono::milliseconds d) {
    return rosterNews(drain(ws, d), names_);
  }
  std::map<std::string, std::string> names_;
};

TEST_F(RosterTest, AQuietRoomHearsAtOnceAndAStormInOneMessagePerMember) {
  auto a = open(), b = open(), c = open(), d = open(), e = open();
  joinAs(a, "A");
  joinAs(b, "B");
  EXPECT_EQ(news(a, 30ms), "+B");  // the first change in a quiet room: at once, as always
  joinAs(c, "C");
  joinAs(d, "D");
  joinAs(e, "E");
  EXPECT_EQ(news(a, 30ms), "") << "changes within the window wait for its end";
  // Then each member hears what it does not know yet, in one message: C's join list had A and B,
  // D's had C too; E's had everyone.
  EXPECT_EQ(news(a, 1500ms), "+C+D+E");
  EXPECT_EQ(news(b, 0ms), "+C+D+E");
  EXPECT_EQ(news(c, 0ms), "+D+E");
  EXPECT_EQ(news(d, 0ms), "+E");
  EXPECT_EQ(news(e, 0ms), "");
  // A quiet window later, a single change goes out at once again.
  pump(1100ms);
  auto f = open();
  joinAs(f, "F");
  EXPECT_EQ(news(a, 30ms), "+F");
}

TEST_F(RosterTest, SomeoneWhoCameAndWentUnseenIsNotMentioned) {
  auto a = open(), b = open(), c = open(), d = open();
  joinAs(a, "A");
  joinAs(b, "B");
  EXPECT_EQ(news(a, 30ms), "+B");
  joinAs(c, "C");
  joinAs(d, "D");  // D's list has C in it
  sendReq(c, {{"type", "leave"}});
  EXPECT_EQ(news(a, 1500ms), "+D") << "A never heard of C";
  EXPECT_EQ(news(b, 0ms), "+D");
  std::vector<json> toD = drain(d, 0ms);
  EXPECT_EQ(rosterNews(toD, names_), "-C") << "D saw C in its list, so it hears C left";
  for (const json& m : toD) {
    if (m.value("type", "") == "participant-left") {
      EXPECT_EQ(m["reason"], "left");
    }
  }
}

TEST_F(RosterTest, AResumedSessionIsNotToldWhatItsResumeReplyListed) {
  auto a = open(), b = open(), c = open();
  joinAs(a, "A");
  json bReply = join(b, "B");
  ASSERT_TRUE(bReply.value("ok", false));
  EXPECT_EQ(news(a, 30ms), "+B");
  joinAs(c, "C");  // waits for the window
  conf_->onWsClose(b);  // B's network drops (no close frame): detached, kept for a resume
  auto b2 = open();
  sendReq(b2, {{"type", "resume"},
               {"room", "r1"},
               {"token", bReply["data"]["resumeToken"]}});
  json resumed = next(b2, "reply");
  ASSERT_TRUE(resumed.value("ok", false)) << resumed.dump();
  bool listsC = false;
  for (const json& p : resumed["data"]["participants"]) listsC |= p["name"] == "C";
  EXPECT_TRUE(listsC);
  EXPECT_EQ(news(a, 1500ms), "+C");
  EXPECT_EQ(news(b2, 0ms), "") << "C was in B's resume reply";
}

// The join and resume replies' lists are spliced into the reply as text: they must parse, name
// everyone else (not oneself) as participantsJson does, names with quotes and emoji included.
TEST_F(RosterTest, JoinAndResumeRepliesListTheOthersAsDescribeDoes) {
  auto a = open(), b = open(), c = open();
  joinAs(a, "Dr \"Quote\" \\ O'Neil");
  joinAs(b, "\xE7\x8E\x8B\xE5\x8C\xBB\xE7\x94\x9F \xF0\x9F\x9A\x91");
  sendReq(b, {{"type", "update"}, {"audioMuted", true}});
  json reply = join(c, "C");
  ASSERT_TRUE(reply.value("ok", false));
  const std::string cId = reply["data"]["participantId"];
  json others = json::array();
  for (const json& p : conf_->participantsJson("r1"))
    if (p["id"] != cId) others.push_back(p);
  ASSERT_EQ(others.size(), 2u);
  EXPECT_EQ(reply["data"]["participants"], others);
  EXPECT_TRUE(others[1]["audioMuted"].get<bool>());

  conf_->onWsClose(c);  // dropped: C resumes on a new socket
  auto c2 = open();
  sendReq(c2, {{"type", "resume"}, {"room", "r1"}, {"token", reply["data"]["resumeToken"]}});
  json resumed = next(c2, "reply");
  ASSERT_TRUE(resumed.value("ok", false)) << resumed.dump();
  EXPECT_EQ(resumed["data"]["participants"], others);
}

TEST_F(RosterTest, NothingAboutSomeoneOvertakesTheirArrival) {
  auto a = open(), b = open(), c = open();
  joinAs(a, "A");
  joinAs(b, "B");
  EXPECT_EQ(news(a, 30ms), "+B");
  joinAs(c, "C");  // waits for the window
  sendReq(c, {{"type", "update"}, {"audioMuted", true}});
  // participant-updated goes to the room at once, so C's arrival goes first, not after the window.
  std::vector<json> got = drain(a, 100ms);
  std::vector<std::string> order;
  for (const json& m : got) {
    std::string type = m.value("type", "");
    if (type == "participant-joined" || type == "participant-updated") order.push_back(type);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"participant-joined", "participant-updated"}));
  EXPECT_EQ(rosterNews(got, names_), "+C");
  EXPECT_EQ(news(a, 1200ms), "") << "nothing is told twice";
}

}  // namespace
}  // namespace rounds
