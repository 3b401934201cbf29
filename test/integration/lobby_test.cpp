// Integration: series rooms (issue 4, "In the room"). Conference with a real SeriesRoomAccess over
// the real account and series services on an in-memory store: invitations let people in with the
// directory's identity, strangers wait in the lobby until a host admits or denies them, and every
// room keeps an ordered raised-hand queue.
#include <gtest/gtest.h>

#include "support/series_room_fixture.hpp"

namespace rounds {
namespace {

using nlohmann::json;
using test::LobbyWs;
using namespace std::chrono_literals;

class LobbyTest : public test::SeriesRoomTest {};

TEST(SeriesRoomName, OnlySeriesRoomsAreGuarded) {
  EXPECT_EQ(seriesIdOfRoom("series-12"), 12);
  EXPECT_FALSE(seriesIdOfRoom("series-"));
  EXPECT_FALSE(seriesIdOfRoom("series-012"));
  EXPECT_FALSE(seriesIdOfRoom("series-1x"));
  EXPECT_FALSE(seriesIdOfRoom("series-99999999999999999999"));
  EXPECT_FALSE(seriesIdOfRoom("ward-7"));
}

TEST_F(LobbyTest, InviteeEntersWithTheDirectorysIdentity) {
  auto host = open();
  json h = join(host, "whatever the host typed", {{"hostToken", hostToken_}});
  ASSERT_TRUE(h["ok"].get<bool>()) << h.dump();
  EXPECT_EQ(h["data"]["self"]["role"], "host");
  EXPECT_TRUE(h["data"]["self"]["host"].get<bool>());
  EXPECT_EQ(h["data"]["self"]["name"], "Dr Host");
  EXPECT_EQ(h["data"]["waiting"], json::array());

  auto guest = open();
  json g = join(guest, "Somebody Else", {{"invite", invite().token}});
  ASSERT_TRUE(g["ok"].get<bool>()) << g.dump();
  const json& self = g["data"]["self"];
  EXPECT_EQ(self["name"], "Dr Wang");  // the directory's, not the client's
  EXPECT_EQ(self["organisation"], "Hospital of Hope");
  EXPECT_EQ(self["country"], "CN");
  EXPECT_EQ(self["role"], "participant");
  EXPECT_FALSE(self["host"].get<bool>());
  EXPECT_EQ(g["data"]["participants"][0]["role"], "host");

  json joined = next(host, "participant-joined");
  EXPECT_EQ(joined["participant"]["organisation"], "Hospital of Hope");
  EXPECT_EQ(joined["participant"]["name"], "Dr Wang");
}

TEST_F(LobbyTest, BadRevokedExpiredAndForeignInvitationsAreRefused) {
  auto ws = open();
  EXPECT_EQ(errorCode(join(ws, "X", {{"invite", "not-a-real-token"}})), "invite_invalid");

  IssuedInvitation revoked = invite();
  ASSERT_TRUE(series_->revoke(caller_, seriesId_, revoked.record.id).ok());
  json r = join(ws, "X", {{"invite", revoked.token}});
  EXPECT_EQ(errorCode(r), "invite_invalid");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("revoked"), std::string::npos);

  IssuedInvitation soon = invite(clock_.wallMillis() + 60'000);
  clock_.advance(2min);
  json e = join(ws, "X", {{"invite", soon.token}});
  EXPECT_EQ(errorCode(e), "invite_invalid");
  EXPECT_NE(e["error"]["message"].get<std::string>().find("expired"), std::string::npos);

  EXPECT_EQ(errorCode(join(ws, "X", {{"invite", invite().token}}, otherRoom_)), "invite_invalid");
  EXPECT_EQ(errorCode(join(ws, "X", {{"invite", invite().token}}, "ad-hoc")), "invite_invalid");
  EXPECT_EQ(errorCode(join(ws, "X", {{"hostToken", "stale"}})), "host_invalid");
  // None of these joined or queued the connection: a valid invitation still works on it.
  EXPECT_TRUE(join(ws, "X", {{"invite", invite().token}})["ok"].get<bool>());
}

TEST_F(LobbyTest, StrangerWaitsUntilAHostAdmits) {
  auto stranger = open();
  json w = join(stranger, "Walk-in");
  ASSERT_TRUE(w["ok"].get<bool>());
  EXPECT_TRUE(w["data"]["lobby"].get<bool>());
  std::string lobbyId = w["data"]["lobbyId"];
  EXPECT_EQ(errorCode(request(stranger, {{"type", "update"}, {"audioMuted", true}})), "not_joined");

  // A host arriving later finds them waiting; an invitee is no host and cannot let them in.
  auto host = open();
  json h = join(host, "H", {{"hostToken", hostToken_}});
  ASSERT_EQ(h["data"]["waiting"].size(), 1u);
  EXPECT_EQ(h["data"]["waiting"][0]["name"], "Walk-in");
  auto guest = open();
  ASSERT_TRUE(join(guest, "G", {{"invite", invite().token}})["ok"].get<bool>());
  EXPECT_EQ(errorCode(request(guest, {{"type", "admit"}, {"lobbyId", lobbyId}})), "not_host");
  EXPECT_TRUE(next(stranger, "lobby-admitted").is_null());

  EXPECT_TRUE(request(host, {{"type", "admit"}, {"lobbyId", lobbyId}})["ok"].get<bool>());
  json admitted = next(stranger, "lobby-admitted");
  ASSERT_FALSE(admitted.is_null());
  EXPECT_EQ(admitted["participants"].size(), 2u);
  // Spliced in as text, with the directory's labels: what participantsJson says of them.
  json others = json::array();
  for (const json& p : conf_->participantsJson(room_))
    if (p["id"] != admitted["participantId"]) others.push_back(p);
  EXPECT_EQ(admitted["participants"], others);
  EXPECT_TRUE(others[0].contains("organisation")) << others.dump();
  EXPECT_EQ(admitted["self"]["name"], "Walk-in");
  EXPECT_FALSE(admitted["self"].contains("role"));
  EXPECT_EQ(next(host, "lobby")["waiting"], json::array());
  EXPECT_EQ(next(guest, "participant-joined")["participant"]["name"], "Walk-in");
  EXPECT_EQ(errorCode(request(host, {{"type", "admit"}, {"lobbyId", lobbyId}})), "not_in_lobby");
}

TEST_F(LobbyTest, DeniedStrangerIsToldAndDisconnected) {
  auto host = open();
  ASSERT_TRUE(join(host, "H", {{"hostToken", hostToken_}})["ok"].get<bool>());
  auto stranger = open();
  std::string lobbyId = join(stranger, "Walk-in")["data"]["lobbyId"];
  json waiting = next(host, "lobby");
  ASSERT_EQ(waiting["waiting"].size(), 1u);
  EXPECT_EQ(waiting["waiting"][0]["id"], lobbyId);

  EXPECT_TRUE(request(host, {{"type", "deny"}, {"lobbyId", lobbyId}})["ok"].get<bool>());
  EXPECT_EQ(next(stranger, "lobby-denied")["reason"], "denied");
  EXPECT_EQ(stranger->closeCode, kCloseLobbyDenied);
  EXPECT_EQ(conf_->participantsJson(room_).size(), 1u);
}

TEST_F(LobbyTest, ClosedSocketLeavesTheLobbyAndAHostLeavingKeepsIt) {
  auto host = open();
  ASSERT_TRUE(join(host, "H", {{"hostToken", hostToken_}})["ok"].get<bool>());
  auto a = open();
  auto b = open();
  join(a, "First");
  join(b, "Second");
  conf_->onWsClose(a);
  json list = json{};
  for (json m; !(m = next(host, "lobby")).is_null();) list = m["waiting"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "Second");

  // The host leaves: Second keeps waiting and the next host sees them.
  conf_->onWsClose(host);
  auto again = open();
  json h = join(again, "H", {{"hostToken", hostToken_}});
  ASSERT_EQ(h["data"]["waiting"].size(), 1u);
  EXPECT_EQ(h["data"]["waiting"][0]["name"], "Second");
}

TEST_F(LobbyTest, TheLobbyHasALimit) {
  std::vector<std::shared_ptr<LobbyWs>> crowd;
  for (size_t i = 0; i < ConferenceConfig{}.maxLobbyPerRoom; ++i) {
    crowd.push_back(open());
    ASSERT_TRUE(join(crowd.back(), "W" + std::to_string(i))["data"]["lobby"].get<bool>());
  }
  auto late = open();
  EXPECT_EQ(errorCode(join(late, "Late")), "room_full");
  conf_->onWsClose(crowd.front());
  EXPECT_TRUE(join(late, "Late")["data"]["lobby"].get<bool>());
}

TEST_F(LobbyTest, AdHocRoomsTakeAnyoneAsBefore) {
  auto ws = open();
  json r = join(ws, "Anyone", json::object(), "ward-7");
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_FALSE(r["data"].contains("lobby"));
  EXPECT_FALSE(r["data"]["self"].contains("role"));
}

TEST_F(LobbyTest, HandsQueueInOrderAndAHostGivesTheFloor) {
  auto host = open();
  std::string hostId = join(host, "H", {{"hostToken", hostToken_}})["data"]["participantId"];
  auto a = open();
  auto b = open();
  std::string aId = join(a, "A", {{"invite", invite().token}})["data"]["participantId"];
  std::string bId = join(b, "B", {{"invite", invite().token}})["data"]["participantId"];

  EXPECT_TRUE(request(b, {{"type", "hand"}, {"raised", true}})["ok"].get<bool>());
  EXPECT_TRUE(request(a, {{"type", "hand"}, {"raised", true}})["ok"].get<bool>());
  EXPECT_TRUE(request(b, {{"type", "hand"}, {"raised", true}})["ok"].get<bool>());  // no change
  json hands;
  for (json m; !(m = next(host, "hands")).is_null();) hands = m;
  EXPECT_EQ(hands["queue"], json::array({bId, aId}));

  // Only a host lowers someone else's hand; nobody raises another's.
  EXPECT_EQ(errorCode(request(a, {{"type", "hand"}, {"raised", false}, {"participantId", bId}})),
            "not_host");
  EXPECT_EQ(errorCode(request(host, {{"type", "hand"}, {"raised", true}, {"participantId", aId}})),
            "bad_request");
  EXPECT_TRUE(request(host, {{"type", "hand"}, {"raised", false}, {"participantId", bId}})["ok"]
                  .get<bool>());
  json floor = next(b, "hands");
  for (json m; !(m = next(b, "hands")).is_null();) floor = m;
  EXPECT_EQ(floor["queue"], json::array({aId}));
  EXPECT_EQ(floor["loweredBy"], hostId);

  // Someone leaving drops out of the queue; a newcomer gets the queue in its join reply.
  auto c = open();
  EXPECT_EQ(join(c, "C", {{"invite", invite().token}})["data"]["hands"], json::array({aId}));
  // (`leave`: a socket that merely dies keeps its session, hand included, for a resume.)
  request(a, {{"type", "leave"}});
  json last;
  for (json m; !(m = next(c, "hands")).is_null();) last = m;
  EXPECT_EQ(last["queue"], json::array());
}

// Low-bandwidth choices (docs/signalling.md "receive"): a host's room default reaches everyone
// without a choice of their own, a participant's own choice wins over it, and later joiners get it.
TEST_F(LobbyTest, HostSetsTheRoomsReceiveDefault) {
  auto host = open();
  ASSERT_TRUE(join(host, "H", {{"hostToken", hostToken_}})["ok"].get<bool>());
  auto guest = open();
  ASSERT_TRUE(join(guest, "G", {{"invite", invite().token}})["ok"].get<bool>());
  json r = request(host, {{"type", "receive"}, {"mode", "audio-only"}, {"roomDefault", true}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["data"]["roomDefault"], "audio-only");
  EXPECT_EQ(r["data"]["mode"], "audio-only");
  json n = next(guest, "receive");
  EXPECT_EQ(n, (json{{"v", 1}, {"type", "receive"}, {"mode", "audio-only"}, {"choice", nullptr}, {"roomDefault", "audio-only"},
                     {"screen", "show"}, {"screenChoice", nullptr}, {"roomScreen", "show"}}));
  // The guest's own choice wins over the default.
  r = request(guest, {{"type", "receive"}, {"mode", "active-speaker"}});
  EXPECT_EQ(r["data"]["mode"], "active-speaker");
  EXPECT_EQ(r["data"]["roomDefault"], "audio-only");
  // A second host session joining later gets the room's default in its join reply.
  auto late = open();
  json l = join(late, "H2", {{"hostToken", hostToken_}});
  ASSERT_TRUE(l["ok"].get<bool>()) << l.dump();
  EXPECT_EQ(l["data"]["receive"]["mode"], "audio-only");
  // "No incoming screen video" as the room's default: set apart from the mode, heard by everyone.
  r = request(host, {{"type", "receive"}, {"screen", "hide"}, {"roomDefault", true}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["data"]["roomScreen"], "hide");
  EXPECT_EQ(r["data"]["roomDefault"], "audio-only") << "the mode's default stays";
  json g = next(guest, "receive");
  EXPECT_EQ(g["screen"], "hide");
  EXPECT_EQ(g["mode"], "active-speaker");
  // A guest's own choice wins here too.
  r = request(guest, {{"type", "receive"}, {"screen", "show"}});
  EXPECT_EQ(r["data"]["screen"], "show");
  EXPECT_EQ(r["data"]["roomScreen"], "hide");
}

}  // namespace
}  // namespace rounds
