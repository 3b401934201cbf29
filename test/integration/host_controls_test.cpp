// Integration: host controls in a series room (docs/signalling.md "Host controls"): mute with and
// without a lock, remove (and the lobby on return), observers refused media until promoted, and
// co-hosts made in the room, with every refusal a non-host or a wrong target gets.
#include <gtest/gtest.h>

#include <algorithm>

#include "control/api/clinical_api.hpp"
#include "control/api/knowledge_api.hpp"
#include "support/series_room_fixture.hpp"

namespace rounds {
namespace {

using nlohmann::json;
using test::LobbyWs;

class HostControlsTest : public test::SeriesRoomTest {
 protected:
  // The host and an invitee in the room; returns the invitee's participant id.
  std::string hostAndGuest() {
    host_ = open();
    json h = join(host_, "host", {{"hostToken", hostToken_}});
    EXPECT_TRUE(h.value("ok", false)) << h.dump();
    hostId_ = h["data"]["participantId"];
    guestInvite_ = invite().token;
    guest_ = open();
    json g = join(guest_, "guest", {{"invite", guestInvite_}});
    EXPECT_TRUE(g.value("ok", false)) << g.dump();
    return g["data"]["participantId"];
  }

  // The last queued participant-updated about `id` (all are consumed); null when none is.
  static json updateOf(const std::shared_ptr<LobbyWs>& ws, const std::string& id) {
    json last;
    for (json m = next(ws, "participant-updated"); !m.is_null();
         m = next(ws, "participant-updated"))
      if (m["participant"]["id"] == id) last = m;
    return last;
  }

  // The last queued message of `type` (earlier ones are dropped); null when none is queued.
  static json lastOf(const std::shared_ptr<LobbyWs>& ws, const std::string& type) {
    json last;
    for (json m = next(ws, type); !m.is_null(); m = next(ws, type)) last = m;
    return last;
  }

  std::shared_ptr<LobbyWs> host_, guest_;
  std::string hostId_, guestInvite_;
};

TEST_F(HostControlsTest, OnlyHostsMayUseThem) {
  std::string guestId = hostAndGuest();
  for (const char* type : {"mute", "allow-unmute", "remove"}) {
    json r = request(guest_, {{"type", type}, {"participantId", hostId_}});
    EXPECT_EQ(errorCode(r), "not_host") << type;
  }
  json r = request(guest_, {{"type", "set-role"}, {"participantId", guestId}, {"role", "co-host"}});
  EXPECT_EQ(errorCode(r), "not_host");
  EXPECT_FALSE(guest_->closeCode);
  // Wrong targets and fields.
  EXPECT_EQ(errorCode(request(host_, {{"type", "mute"}, {"participantId", "pnobody"}})),
            "not_in_room");
  EXPECT_EQ(errorCode(request(host_, {{"type", "remove"}})), "bad_request");
  EXPECT_EQ(errorCode(request(host_, {{"type", "set-role"}, {"participantId", guestId},
                                      {"role", "host"}})),
            "bad_request");
  EXPECT_EQ(errorCode(request(host_, {{"type", "remove"}, {"participantId", hostId_}})),
            "not_allowed");
  // Someone in another room is not reachable from this one.
  auto elsewhere = open();
  json e = join(elsewhere, "Elsewhere", {{"hostToken", hostToken_}}, otherRoom_);
  ASSERT_TRUE(e.value("ok", false)) << e.dump();
  EXPECT_EQ(errorCode(request(host_, {{"type", "remove"},
                                      {"participantId", e["data"]["participantId"]}})),
            "not_in_room");
}

TEST_F(HostControlsTest, MuteLetsThemUnmuteUnlessLocked) {
  std::string guestId = hostAndGuest();
  json r = request(host_, {{"type", "mute"}, {"participantId", guestId}});
  ASSERT_TRUE(r.value("ok", false)) << r.dump();
  json told = next(guest_, "muted-by-host");
  ASSERT_FALSE(told.is_null());
  EXPECT_EQ(told["by"], hostId_);
  EXPECT_FALSE(told["locked"].get<bool>());
  EXPECT_TRUE(told["participant"]["audioMuted"].get<bool>());
  json seen = next(host_, "participant-updated");
  ASSERT_FALSE(seen.is_null());
  EXPECT_TRUE(seen["participant"]["audioMuted"].get<bool>());
  // Not locked: the participant unmutes themselves.
  EXPECT_TRUE(request(guest_, {{"type", "update"}, {"audioMuted", false}}).value("ok", false));

  ASSERT_TRUE(request(host_, {{"type", "mute"}, {"participantId", guestId}, {"locked", true}})
                  .value("ok", false));
  told = next(guest_, "muted-by-host");
  EXPECT_TRUE(told["locked"].get<bool>());
  EXPECT_TRUE(next(host_, "participant-updated")["participant"]["audioLocked"].get<bool>());
  EXPECT_EQ(errorCode(request(guest_, {{"type", "update"}, {"audioMuted", false}})),
            "muted_by_host");
  // Turning the camera off is still theirs to do.
  EXPECT_TRUE(request(guest_, {{"type", "update"}, {"videoMuted", true}}).value("ok", false));

  // Reloading the page does not shake the lock off: the new join comes back muted and locked.
  conf_->onWsClose(guest_);
  guest_ = open();
  json back = join(guest_, "guest", {{"invite", guestInvite_}});
  ASSERT_TRUE(back.value("ok", false)) << back.dump();
  EXPECT_TRUE(back["data"]["self"]["audioLocked"].get<bool>());
  EXPECT_TRUE(back["data"]["self"]["audioMuted"].get<bool>());
  guestId = back["data"]["participantId"];
  EXPECT_EQ(errorCode(request(guest_, {{"type", "update"}, {"audioMuted", false}})),
            "muted_by_host");

  ASSERT_TRUE(request(host_, {{"type", "allow-unmute"}, {"participantId", guestId}})
                  .value("ok", false));
  json allowed = next(guest_, "unmute-allowed");
  ASSERT_FALSE(allowed.is_null());
  EXPECT_FALSE(allowed["participant"]["audioLocked"].get<bool>());
  EXPECT_TRUE(allowed["participant"]["audioMuted"].get<bool>()) << "allowing never unmutes";
  EXPECT_TRUE(request(guest_, {{"type", "update"}, {"audioMuted", false}}).value("ok", false));
}

TEST_F(HostControlsTest, RemovedInviteeReturnsOnlyThroughTheLobby) {
  std::string guestId = hostAndGuest();
  ASSERT_TRUE(request(host_, {{"type", "remove"}, {"participantId", guestId}}).value("ok", false));
  EXPECT_FALSE(next(guest_, "removed").is_null());
  EXPECT_EQ(guest_->closeCode, kCloseRemoved);
  json left = next(host_, "participant-left");
  EXPECT_EQ(left["id"], guestId);
  EXPECT_EQ(left["reason"], "removed");
  conf_->onWsClose(guest_);
  EXPECT_EQ(conf_->participantsJson(room_).size(), 1u);

  // The same invitation now leads to the lobby, flagged for the host.
  auto again = open();
  json r = join(again, "guest", {{"invite", guestInvite_}});
  ASSERT_TRUE(r.value("ok", false)) << r.dump();
  EXPECT_TRUE(r["data"]["lobby"].get<bool>());
  EXPECT_TRUE(r["data"]["removed"].get<bool>());
  json lobby = next(host_, "lobby");
  ASSERT_EQ(lobby["waiting"].size(), 1u);
  EXPECT_TRUE(lobby["waiting"][0]["removed"].get<bool>());
  EXPECT_EQ(lobby["waiting"][0]["name"], "Dr Wang");

  // Admitted: back in with the directory's identity, and the removal is lifted.
  ASSERT_TRUE(request(host_, {{"type", "admit"}, {"lobbyId", r["data"]["lobbyId"]}})
                  .value("ok", false));
  json admitted = next(again, "lobby-admitted");
  ASSERT_FALSE(admitted.is_null());
  EXPECT_EQ(admitted["self"]["name"], "Dr Wang");
  EXPECT_EQ(admitted["self"]["role"], "participant");
  request(again, {{"type", "leave"}});
  conf_->onWsClose(again);
  auto third = open();
  json direct = join(third, "guest", {{"invite", guestInvite_}});
  EXPECT_FALSE(direct["data"].contains("lobby")) << direct.dump();
}

TEST_F(HostControlsTest, ObserverIsRefusedMediaUntilPromoted) {
  hostAndGuest();
  answerNextOffer(host_);
  answerNextOffer(guest_);
  answerNextOffer(host_);  // the guest's two tracks

  auto observer = open();
  json o = join(observer, "obs", {{"invite", inviteNew("Dr Observer", "observer").token}});
  ASSERT_TRUE(o.value("ok", false)) << o.dump();
  EXPECT_EQ(o["data"]["self"]["role"], "observer");
  std::string observerId = o["data"]["participantId"];
  answerNextOffer(observer);  // it sends on mid 0 and 1 anyway: the server must not route that
  pump();
  EXPECT_TRUE(next(host_, "offer").is_null()) << "an observer's tracks were offered to the host";

  // Promoted: everyone sees the label, the observer gets a new offer, and its answer publishes.
  ASSERT_TRUE(request(host_, {{"type", "set-role"}, {"participantId", observerId},
                              {"role", "speaker"}})
                  .value("ok", false));
  json label = next(guest_, "participant-updated");
  EXPECT_EQ(label["participant"]["role"], "speaker");
  EXPECT_EQ(next(observer, "participant-updated")["participant"]["role"], "speaker");
  answerNextOffer(observer);
  json hostOffer = answerNextOffer(host_);
  EXPECT_EQ(activeSendOnly(hostOffer), 4u);  // the guest's two tracks and now the speaker's

  // Demoted again: the tracks go inactive for the others.
  ASSERT_TRUE(request(host_, {{"type", "set-role"}, {"participantId", observerId},
                              {"role", "observer"}})
                  .value("ok", false));
  hostOffer = answerNextOffer(host_);
  EXPECT_EQ(activeSendOnly(hostOffer), 2u);
}

// Screen sharing: observers may not share; a host may end anyone's share (`stop-share`), and the
// sharer's client is told to stop capturing.
TEST_F(HostControlsTest, ObserversCannotShareAndHostsCanStopAShare) {
  std::string guestId = hostAndGuest();
  // Answers `ws`'s offers (one may still be queued from the joins) until one has `n` active
  // sendonly lines, or a screen line to send on; returns it.
  auto answerUntil = [&](const std::shared_ptr<LobbyWs>& ws, auto done) {
    for (int i = 0; i < 4; ++i) {
      json offer = answerNextOffer(ws);
      if (offer.is_null() || done(offer)) return offer;
    }
    return json{};
  };
  auto screenLine = [](const json& offer) {  // the sharer's own line: recvonly, a=content:slides
    auto parsed = sdp::parse(offer["sdp"].get<std::string>());
    for (const auto& m : parsed.value().media)
      if (m.direction == sdp::Direction::RecvOnly &&
          std::count(m.otherAttributes.begin(), m.otherAttributes.end(), "content:slides"))
        return true;
    return false;
  };
  answerNextOffer(host_);  // the host publishes, then the guest (who gets the host's tracks)
  answerUntil(guest_, [&](const json& o) { return activeSendOnly(o) == 2; });
  answerUntil(host_, [&](const json& o) { return activeSendOnly(o) == 2; });

  auto observer = open();
  json o = join(observer, "obs", {{"invite", inviteNew("Dr Watcher", "observer").token}});
  ASSERT_TRUE(o.value("ok", false)) << o.dump();
  json refused = request(observer, {{"type", "share"}, {"active", true}});
  EXPECT_EQ(refused["error"]["code"], "not_allowed");
  // Not a host: refused.
  EXPECT_EQ(request(guest_, {{"type", "stop-share"}, {"participantId", hostId_}})["error"]["code"],
            "not_host");

  ASSERT_TRUE(request(guest_, {{"type", "share"}, {"active", true}}).value("ok", false));
  ASSERT_FALSE(answerUntil(guest_, screenLine).is_null()) << "the guest's browser sends its screen";
  // The guest's microphone, camera and screen.
  ASSERT_FALSE(answerUntil(host_, [&](const json& x) { return activeSendOnly(x) == 3; }).is_null());

  ASSERT_TRUE(request(host_, {{"type", "stop-share"}, {"participantId", guestId}}).value("ok", false));
  json stopped = next(guest_, "share-stopped");
  ASSERT_FALSE(stopped.is_null());
  EXPECT_EQ(stopped["by"], hostId_);
  json update;  // read in place: answering the offer below drops what is queued before its reply
  for (const auto& m : host_->inbox)
    if (m["type"] == "participant-updated" && m["participant"]["id"] == guestId) update = m;
  ASSERT_FALSE(update.is_null());
  EXPECT_FALSE(update["participant"]["screen"].get<bool>());
  json hostOffer = answerNextOffer(host_);
  EXPECT_EQ(activeSendOnly(hostOffer), 2u) << "the screen's line went inactive";
}

TEST_F(HostControlsTest, CoHostMadeInTheRoomActsAtOnce) {
  std::string guestId = hostAndGuest();
  // A stranger waits in the lobby; the new co-host sees it the moment they get the role.
  auto stranger = open();
  json s = join(stranger, "Walk-in");
  ASSERT_TRUE(s["data"]["lobby"].get<bool>());
  EXPECT_EQ(errorCode(request(guest_, {{"type", "admit"}, {"lobbyId", s["data"]["lobbyId"]}})),
            "not_host");

  ASSERT_TRUE(request(host_, {{"type", "set-role"}, {"participantId", guestId},
                              {"role", "co-host"}})
                  .value("ok", false));
  json self = next(guest_, "participant-updated");
  EXPECT_EQ(self["participant"]["role"], "co-host");
  EXPECT_TRUE(self["participant"]["host"].get<bool>());
  json lobby = next(guest_, "lobby");
  ASSERT_EQ(lobby["waiting"].size(), 1u);
  ASSERT_TRUE(request(guest_, {{"type", "admit"}, {"lobbyId", s["data"]["lobbyId"]}})
                  .value("ok", false));
  json admitted = next(stranger, "lobby-admitted");
  ASSERT_FALSE(admitted.is_null());
  std::string strangerId = admitted["participantId"];

  // A co-host may mute and remove others, but not the series' host.
  EXPECT_TRUE(request(guest_, {{"type", "mute"}, {"participantId", hostId_}}).value("ok", false));
  EXPECT_EQ(errorCode(request(guest_, {{"type", "remove"}, {"participantId", hostId_}})),
            "not_allowed");
  EXPECT_EQ(errorCode(request(guest_, {{"type", "set-role"}, {"participantId", hostId_},
                                       {"role", "observer"}})),
            "not_allowed");
  // A guest from the lobby gets a role too (they have no directory identity).
  ASSERT_TRUE(request(guest_, {{"type", "set-role"}, {"participantId", strangerId},
                               {"role", "observer"}})
                  .value("ok", false));
  EXPECT_EQ(updateOf(stranger, strangerId)["participant"]["role"], "observer");

  // Back to speaker: host rights end at once.
  ASSERT_TRUE(request(host_, {{"type", "set-role"}, {"participantId", guestId},
                              {"role", "speaker"}})
                  .value("ok", false));
  EXPECT_EQ(errorCode(request(guest_, {{"type", "mute"}, {"participantId", strangerId}})),
            "not_host");
}

// The REST side of the room: agenda items a host starts, and series roles changed through the API
// while people are in the room (RoomEvents, wired as main.cpp does).
class RoomEventsTest : public HostControlsTest {
 protected:
  void SetUp() override {
    HostControlsTest::SetUp();
    meetings_ = std::make_unique<MeetingService>(*store_, clock_, *accounts_, *series_);
    cases_ = std::make_unique<CaseService>(*meetings_);
    questions_ = std::make_unique<QuestionService>(*meetings_);
    knowledge_ = std::make_unique<KnowledgeApi>(*meetings_, *cases_, *questions_, *attendance_);
    knowledge_->setRoomEvents(conf_.get());
    delegations_ = std::make_unique<DelegationService>(*store_, clock_, CryptoRandom::instance(),
                                                       *accounts_, *series_);
    clinical_ = std::make_unique<ClinicalApi>(*accounts_, *series_, *delegations_);
    clinical_->setRoomEvents(conf_.get());
    // Routed as the server routes them (Api offers ClinicalApi first, then KnowledgeApi).
    api_ = std::make_unique<Api>(*conf_, *attendance_, *clinical_);
    registerKnowledgeApi(*api_, *knowledge_);
  }

  HttpResponse call(const std::string& method, const std::string& path, const json& body) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.headers["authorization"] = "Bearer " + hostToken_;
    if (!body.is_null()) req.body = body.dump();
    return api_->onHttpRequest(req);
  }

  std::unique_ptr<MeetingService> meetings_;
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<QuestionService> questions_;
  std::unique_ptr<KnowledgeApi> knowledge_;
  std::unique_ptr<DelegationService> delegations_;
  std::unique_ptr<ClinicalApi> clinical_;
  std::unique_ptr<Api> api_;
};

TEST_F(RoomEventsTest, AgendaItemReachesTheRoomAndNamesItsPresenter) {
  std::string guestId = hostAndGuest();  // the guest is "Dr Wang" in the directory
  auto m = call("POST", "/api/series/" + std::to_string(seriesId_) + "/meetings",
                {{"title", "Week 1"}, {"startsAt", clock_.wallMillis()}, {"durationMinutes", 60}});
  ASSERT_EQ(m.status, 201) << m.body;
  std::string agenda = "/api/meetings/" + std::to_string(json::parse(m.body)["id"].get<int64_t>()) +
                       "/agenda";
  ASSERT_EQ(call("POST", agenda, {{"title", "Sepsis bundle"}, {"presenter", "Dr Wang"},
                                  {"minutes", 1}})
                .status,
            201);
  ASSERT_EQ(call("POST", agenda, {{"title", "Discharge"}, {"presenter", "Dr Nobody"},
                                  {"minutes", 5}})
                .status,
            201);
  EXPECT_TRUE(next(guest_, "agenda").is_null()) << "adding items starts nothing";

  ASSERT_EQ(call("POST", agenda + "/next", nullptr).status, 200);
  for (const auto& ws : {host_, guest_}) {
    json a = next(ws, "agenda");
    ASSERT_FALSE(a.is_null());
    EXPECT_EQ(a["agenda"]["item"]["title"], "Sepsis bundle");
    EXPECT_EQ(a["agenda"]["item"]["minutes"], 1);
    EXPECT_EQ(a["agenda"]["elapsedMs"], 0);
    EXPECT_EQ(a["agenda"]["presenterIds"], json::array({guestId}));
    EXPECT_FALSE(a["agenda"]["overrun"].get<bool>());
  }

  // Two minutes on, someone joining sees the item with its elapsed time, overrun.
  clock_.advance(std::chrono::minutes(2));
  auto late = open();
  ASSERT_TRUE(join(late, "Late", {{"invite", inviteNew("Dr Late").token}}).value("ok", false));
  json seen = next(late, "agenda");
  ASSERT_FALSE(seen.is_null());
  EXPECT_EQ(seen["agenda"]["elapsedMs"], 120'000);
  EXPECT_TRUE(seen["agenda"]["overrun"].get<bool>());
  // The others are not told the agenda again for someone who does not present it.
  EXPECT_TRUE(next(host_, "agenda").is_null()) << "a newcomer's agenda went to the whole room";

  // A host designates the presenter; only hosts may.
  EXPECT_EQ(errorCode(request(guest_, {{"type", "set-presenter"}, {"participantId", guestId}})),
            "not_host");
  ASSERT_TRUE(request(host_, {{"type", "set-presenter"}, {"participantId", hostId_}})
                  .value("ok", false));
  json designated = lastOf(guest_, "agenda");
  EXPECT_EQ(designated["agenda"]["presenterIds"], json::array({hostId_}));

  // The next item: its own presenter (nobody here), the designation gone.
  ASSERT_EQ(call("POST", agenda + "/next", nullptr).status, 200);
  json second = lastOf(guest_, "agenda");
  EXPECT_EQ(second["agenda"]["item"]["title"], "Discharge");
  EXPECT_EQ(second["agenda"]["presenterIds"], json::array());

  // Its presenter arrives: the room's agenda names them.
  auto presenter = open();
  json joined = join(presenter, "N", {{"invite", inviteNew("Dr Nobody").token}});
  ASSERT_TRUE(joined.value("ok", false)) << joined.dump();
  json named = lastOf(host_, "agenda");
  EXPECT_EQ(named["agenda"]["presenterIds"], json::array({joined["data"]["participantId"]}));
}

TEST_F(RoomEventsTest, RolesChangedThroughTheApiApplyWithoutRejoining) {
  std::string guestId = hostAndGuest();
  std::string roles = "/api/series/" + std::to_string(seriesId_) + "/roles/" +
                      std::to_string(inviteeId_);
  ASSERT_EQ(call("PUT", roles, {{"role", "co-host"}}).status, 200);
  json self = next(guest_, "participant-updated");
  ASSERT_FALSE(self.is_null());
  EXPECT_EQ(self["participant"]["role"], "co-host");
  EXPECT_TRUE(self["participant"]["host"].get<bool>());
  EXPECT_TRUE(request(guest_, {{"type", "mute"}, {"participantId", hostId_}}).value("ok", false));

  ASSERT_EQ(call("PUT", roles, {{"role", "observer"}}).status, 200);
  EXPECT_EQ(updateOf(host_, guestId)["participant"]["role"], "observer");
  EXPECT_EQ(errorCode(request(guest_, {{"type", "mute"}, {"participantId", hostId_}})),
            "not_host");
  ASSERT_EQ(call("DELETE", roles, nullptr).status, 204);
  EXPECT_EQ(updateOf(host_, guestId)["participant"]["role"], "participant");
}

TEST_F(RoomEventsTest, PasscodeGuardsTheLobbyNotTheInvitations) {
  const std::string url = "/api/series/" + std::to_string(seriesId_) + "/passcode";
  EXPECT_FALSE(json::parse(call("GET", url, nullptr).body)["passcode"].get<bool>());
  EXPECT_EQ(call("PUT", url, {{"passcode", "12"}}).status, 400);
  ASSERT_EQ(call("PUT", url, {{"passcode", "ward 7 rounds"}}).status, 204);
  EXPECT_TRUE(json::parse(call("GET", url, nullptr).body)["passcode"].get<bool>());
  // Stored hashed.
  auto stored = store_->seriesPasscode(seriesId_);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->find("ward 7"), std::string::npos);
  EXPECT_EQ((*stored)->rfind("$argon2id$", 0), 0u);

  // Without an invitation: no passcode, a wrong one, then the right one reaches the lobby.
  auto walkIn = open();
  EXPECT_EQ(errorCode(join(walkIn, "Walk-in")), "passcode_required");
  EXPECT_EQ(errorCode(join(walkIn, "Walk-in", {{"passcode", "ward 8 rounds"}})),
            "passcode_invalid");
  json lobby = join(walkIn, "Walk-in", {{"passcode", "ward 7 rounds"}});
  ASSERT_TRUE(lobby.value("ok", false)) << lobby.dump();
  EXPECT_TRUE(lobby["data"]["lobby"].get<bool>());

  // An invitee needs none.
  auto invitee = open();
  json in = join(invitee, "guest", {{"invite", invite().token}});
  ASSERT_TRUE(in.value("ok", false)) << in.dump();
  EXPECT_FALSE(in["data"].contains("lobby"));

  // Rate limit: 5 wrong passcodes from one address, then even the right one waits.
  auto guesser = open();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(errorCode(join(guesser, "Guesser", {{"passcode", "guess " + std::to_string(i)}})),
              "passcode_invalid");
  // (the wrong one from the walk-in above counts too: same address)
  EXPECT_EQ(errorCode(join(guesser, "Guesser", {{"passcode", "ward 7 rounds"}})),
            "passcode_rate_limited");
  EXPECT_EQ(errorCode(join(open(), "Guesser", {{"passcode", "ward 7 rounds"}})),
            "passcode_rate_limited");
  clock_.advance(std::chrono::minutes(5));
  EXPECT_TRUE(join(guesser, "Guesser", {{"passcode", "ward 7 rounds"}})["data"]["lobby"]
                  .get<bool>());

  // Only a host or co-host sets it; removing it opens the lobby again.
  HttpRequest other;
  other.method = "PUT";
  other.path = url;
  other.body = json{{"passcode", "mine now"}}.dump();
  EXPECT_EQ(clinical_->handle(other)->status, 401);
  ASSERT_EQ(call("DELETE", url, nullptr).status, 204);
  EXPECT_EQ(call("DELETE", url, nullptr).status, 404);
  EXPECT_TRUE(join(open(), "Walk-in")["data"]["lobby"].get<bool>());
}

}  // namespace
}  // namespace rounds
