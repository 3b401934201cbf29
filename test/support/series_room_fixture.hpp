// Test support: a Conference with a real SeriesRoomAccess over the real account and series
// services on an in-memory store, a host account with a series, an invitee, and fake WebSockets
// that keep what the server sends. Shared by lobby_test and host_controls_test.
// Threading: the test thread only (the media engine's worker runs but sees no peers).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <deque>

#include "control/conference.hpp"
#include "control/room_access.hpp"
#include "proto/sdp.hpp"
#include "support/browser_answer.hpp"

namespace rounds::test {

using nlohmann::json;

class LobbyWs : public WsConnection {
 public:
  explicit LobbyWs(uint64_t id) : id_(id) {}
  uint64_t id() const override { return id_; }
  std::string remoteAddress() const override { return "127.0.0.1:1"; }
  void send(std::string text) override { inbox.push_back(json::parse(text)); }
  void close(uint16_t code, std::string) override { closeCode = code; }
  bool isOpen() const override { return !closeCode; }

  std::deque<json> inbox;
  std::optional<uint16_t> closeCode;

 private:
  uint64_t id_;
};

class StepClock : public Clock {
 public:
  TimePoint now() const override { return TimePoint{std::chrono::milliseconds{wall_}}; }
  int64_t wallMillis() const override { return wall_; }
  void advance(std::chrono::milliseconds d) { wall_ += d.count(); }

 private:
  int64_t wall_ = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
};

struct NoEvents : MediaEvents {
  void onMediaPeerConnected(const std::string&) override {}
  void onMediaPeerClosed(const std::string&, const std::string&) override {}
};

class SeriesRoomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(openSqliteStore(":memory:").value());
    attendance_ = std::make_unique<AttendanceService>(*store_, clock_);
    MediaConfig mc;
    mc.basePort = 0;
    mc.workers = 1;
    media_ = std::make_unique<MediaEngine>(io_, mc, events_);
    ASSERT_TRUE(media_->start().ok());
    ConferenceConfig cc;
    cc.rosterBatchWindow = Millis{0};  // each join and leave told at once (batching: roster tests)
    conf_ = std::make_unique<Conference>(cc, *media_, *attendance_, clock_);
    AccountsConfig ac;
    ac.bootstrapToken = "lobby-bootstrap";
    ac.argon2.memoryKiB = 1024;
    ac.argon2.timeCost = 1;
    accounts_ = std::make_unique<AccountService>(*store_, clock_, CryptoRandom::instance(), ac);
    SeriesConfig sc;
    sc.passcodeHash.memoryKiB = 1024;  // fast hashing in tests
    sc.passcodeHash.timeCost = 1;
    series_ = std::make_unique<SeriesService>(*store_, clock_, CryptoRandom::instance(), sc);
    access_ = std::make_unique<SeriesRoomAccess>(*accounts_, *series_);
    conf_->setAccess(access_.get());

    NewAccount host;
    host.email = "host@lobby.test";
    host.password = "a host password that is long";
    host.person = person("Dr Host", "CH");
    host.bootstrapToken = "lobby-bootstrap";
    auto account = accounts_->createAccount(std::nullopt, host);
    ASSERT_TRUE(account.ok()) << account.error().message;
    auto signIn = accounts_->login(host.email, host.password);
    ASSERT_TRUE(signIn.ok());
    hostToken_ = signIn->token;
    caller_ = Caller{account->id, account->personId};

    auto org = accounts_->createOrganisation(
        OrganisationRecord{0, "Hospital of Hope", "CN", "hospital", 0});
    ASSERT_TRUE(org.ok()) << org.error().message;
    PersonRecord guest = person("Dr Wang", "CN");
    guest.organisationId = org->id;
    auto invitee = accounts_->createPerson(guest);
    ASSERT_TRUE(invitee.ok()) << invitee.error().message;
    inviteeId_ = invitee->id;

    NewSeries s;
    s.title = "Weekly rounds";
    s.timeZone = "Asia/Shanghai";
    s.start = "2026-03-02T21:00";
    s.durationMinutes = 60;
    auto created = series_->create(caller_, s);
    ASSERT_TRUE(created.ok()) << created.error().message;
    seriesId_ = created->id;
    room_ = SeriesService::roomOf(*created);
    auto other = series_->create(caller_, s);
    ASSERT_TRUE(other.ok());
    otherRoom_ = SeriesService::roomOf(*other);
  }
  void TearDown() override {
    conf_->shutdown();
    media_->stop();
  }

  static PersonRecord person(const std::string& name, const std::string& country) {
    PersonRecord p;
    p.displayName = name;
    p.country = country;
    p.discipline = "critical care";
    p.language = "en";
    p.timeZone = "Asia/Shanghai";
    return p;
  }

  IssuedInvitation invite(std::optional<int64_t> expiresAtMs = std::nullopt) {
    auto issued = series_->invite(caller_, seriesId_, {InviteeInput{inviteeId_, expiresAtMs}});
    EXPECT_TRUE(issued.ok()) << issued.error().message;
    return issued->at(0);
  }

  // Another person of the directory invited to the series, with a role ("" = none).
  IssuedInvitation inviteNew(const std::string& name, const std::string& role = "") {
    auto created = accounts_->createPerson(person(name, "DE"));
    EXPECT_TRUE(created.ok()) << created.error().message;
    if (!role.empty()) {
      auto set = series_->setRole(caller_, seriesId_, created->id, role);
      EXPECT_TRUE(set.ok()) << set.error().message;
    }
    auto issued = series_->invite(caller_, seriesId_, {InviteeInput{created->id, std::nullopt}});
    EXPECT_TRUE(issued.ok()) << issued.error().message;
    return issued->at(0);
  }

  std::shared_ptr<LobbyWs> open() {
    auto ws = std::make_shared<LobbyWs>(nextId_++);
    conf_->onWsOpen(ws);
    return ws;
  }

  json request(const std::shared_ptr<LobbyWs>& ws, json msg) {
    msg["v"] = 1;
    msg["id"] = reqId_++;
    conf_->onWsMessage(ws, msg.dump());
    return next(ws, "reply");
  }

  json join(const std::shared_ptr<LobbyWs>& ws, const std::string& name, json extra = json::object(),
            const std::string& room = "") {
    json msg{{"type", "join"}, {"room", room.empty() ? room_ : room}, {"name", name},
             {"audio", false}, {"video", false}};
    msg.update(extra);
    return request(ws, msg);
  }

  // The next message of `type` (earlier ones are dropped); null when none is queued.
  static json next(const std::shared_ptr<LobbyWs>& ws, const std::string& type) {
    while (!ws->inbox.empty()) {
      json m = ws->inbox.front();
      ws->inbox.pop_front();
      if (m["type"] == type) return m;
    }
    return json{};
  }

  // Runs the control loop for `d` (the media worker's replies arrive through it).
  void pump(std::chrono::milliseconds d = std::chrono::milliseconds(30)) {
    io_.restart();
    io_.run_for(d);
  }

  // Like next(), but pumps the loop while waiting; null after about a second.
  json await(const std::shared_ptr<LobbyWs>& ws, const std::string& type) {
    for (int i = 0; i < 100; ++i) {
      json m = next(ws, type);
      if (!m.is_null()) return m;
      pump(std::chrono::milliseconds(10));
    }
    return json{};
  }

  // Answers the next offer as a browser would: sends on our recvonly m-lines when `sendMedia`
  // (one SSRC each), receives on the sendonly ones. Returns the offer.
  json answerNextOffer(const std::shared_ptr<LobbyWs>& ws, bool sendMedia = true) {
    json offer = await(ws, "offer");
    EXPECT_FALSE(offer.is_null()) << "no offer";
    if (offer.is_null()) return offer;
    json reply = request(ws, {{"type", "answer"},
                              {"offerId", offer["offerId"]},
                              {"sdp", browserAnswer(offer["sdp"].get<std::string>(), sendMedia)}});
    EXPECT_TRUE(reply.value("ok", false)) << reply.dump();
    return offer;
  }

  // The m-lines of an offer that carry someone else's media to this participant.
  static size_t activeSendOnly(const json& offer) {
    auto s = sdp::parse(offer["sdp"].get<std::string>());
    size_t n = 0;
    for (const auto& m : s.value().media) n += m.direction == sdp::Direction::SendOnly;
    return n;
  }

  static std::string errorCode(const json& reply) {
    return reply.value("ok", true) ? "" : reply["error"]["code"].get<std::string>();
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  NoEvents events_;
  StepClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AttendanceService> attendance_;
  std::unique_ptr<MediaEngine> media_;
  std::unique_ptr<Conference> conf_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<SeriesService> series_;
  std::unique_ptr<SeriesRoomAccess> access_;
  std::string hostToken_;
  Caller caller_;
  int64_t inviteeId_ = 0;
  int64_t seriesId_ = 0;
  std::string room_, otherRoom_;
  uint64_t nextId_ = 1;
  int64_t reqId_ = 1;
};

}  // namespace rounds::test
