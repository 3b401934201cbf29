#include "control/signalling.hpp"

#include <gtest/gtest.h>

namespace rounds::signalling {
namespace {

Request ok(std::string_view text) {
  auto r = parseRequest(text);
  if (auto* e = std::get_if<RequestError>(&r)) {
    ADD_FAILURE() << "unexpected error: " << e->error.code << " " << e->error.message;
    return {};
  }
  return std::get<Request>(r);
}

RequestError err(std::string_view text) {
  auto r = parseRequest(text);
  if (!std::holds_alternative<RequestError>(r)) {
    ADD_FAILURE() << "expected an error for " << text;
    return {};
  }
  return std::get<RequestError>(r);
}

// What appendJsonString writes parses back to the same string (or, for bytes that are not
// UTF-8, to U+FFFD in their place), as nlohmann's own dump does.
std::string viaAppend(std::string_view in) {
  std::string out;
  appendJsonString(out, in);
  return nlohmann::json::parse(out).get<std::string>();
}

TEST(AppendJsonString, RoundTripsQuotesBackslashesControlsAndUnicode) {
  for (std::string s : {std::string(""), std::string("plain"), std::string("Dr \"Quote\" O'Neil"),
                        std::string("back\\slash / slash"), std::string("\xE7\x8E\x8B\xE5\x8C\xBB\xE7\x94\x9F"),
                        std::string("\xF0\x9F\x9A\x91 ambulance"), std::string("tab\tnew\nline\rcr\b\f\x7F")}) {
    EXPECT_EQ(viaAppend(s), s) << s;
  }
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  EXPECT_EQ(viaAppend(controls), controls);
}

TEST(AppendJsonString, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(viaAppend("a\xFF" "b"), "a" + fffd + "b");
  EXPECT_EQ(viaAppend("\xC0\xAF"), fffd + fffd);        // overlong '/'
  EXPECT_EQ(viaAppend("\xED\xA0\x80"), fffd + fffd + fffd);  // a UTF-16 surrogate
  EXPECT_EQ(viaAppend("cut \xE7\x8E"), "cut " + fffd + fffd);  // truncated sequence
  // The same values nlohmann's dump (with replacement) gives for valid text.
  const std::string valid = "Ærø \xF0\x9F\x9A\x91 \"x\"";
  EXPECT_EQ(viaAppend(valid), nlohmann::json::parse(nlohmann::json(valid).dump()).get<std::string>());
}

TEST(Signalling, ParsesJoin) {
  auto r = ok(R"({"v":1,"id":3,"type":"join","room":"icu-briefing","name":"  Dr. Li Wen  ","audio":true,"video":false})");
  EXPECT_EQ(r.id, 3);
  auto& j = std::get<JoinRequest>(r.body);
  EXPECT_EQ(j.room, "icu-briefing");
  EXPECT_EQ(j.name, "Dr. Li Wen");
  EXPECT_TRUE(j.audio);
  EXPECT_FALSE(j.video);
}

TEST(Signalling, ParsesRestartIce) {
  auto r = ok(R"({"v":1,"id":9,"type":"restart-ice"})");
  EXPECT_EQ(r.id, 9);
  EXPECT_TRUE(std::holds_alternative<RestartIceRequest>(r.body));
}

TEST(Signalling, ParsesResumeAndNamesItsFields) {
  auto r = ok(R"({"v":1,"id":2,"type":"resume","room":"ward-7","token":"Qm9vbXNoYWthbGFrYQ_-"})");
  auto& resume = std::get<ResumeRequest>(r.body);
  EXPECT_EQ(resume.room, "ward-7");
  EXPECT_EQ(resume.token, "Qm9vbXNoYWthbGFrYQ_-");
  EXPECT_NE(err(R"({"v":1,"id":2,"type":"resume","room":"ward-7"})").error.message.find("'token'"),
            std::string::npos);
  EXPECT_NE(err(R"({"v":1,"id":2,"type":"resume","room":"ward 7","token":"x"})").error.message.find("'room'"),
            std::string::npos);
  EXPECT_NE(err(R"({"v":1,"id":2,"type":"resume","room":"w","token":"a b"})").error.message.find("'token'"),
            std::string::npos);
  EXPECT_EQ(err(R"({"v":1,"id":2,"type":"resume","room":"w","token":7})").error.code, "bad_request");
}

TEST(Signalling, AcceptsUnicodeNames) {
  auto r = ok(R"({"v":1,"id":1,"type":"join","room":"r","name":"李文 医生"})");
  EXPECT_EQ(std::get<JoinRequest>(r.body).name, "李文 医生");
}

TEST(Signalling, ErrorsNameTheField) {
  auto e = err(R"({"v":1,"id":4,"type":"join","room":"bad room!","name":"A"})");
  EXPECT_EQ(e.id, 4);
  EXPECT_EQ(e.error.code, "bad_request");
  EXPECT_NE(e.error.message.find("'room'"), std::string::npos);

  e = err(R"({"v":1,"id":5,"type":"join","room":"r","name":""})");
  EXPECT_NE(e.error.message.find("'name'"), std::string::npos);

  e = err(R"({"v":1,"id":6,"type":"join","room":"r","name":"A","audio":"yes"})");
  EXPECT_NE(e.error.message.find("'audio'"), std::string::npos);

  e = err(R"({"v":1,"id":7,"type":"answer","offerId":"1","sdp":"x"})");
  EXPECT_NE(e.error.message.find("'offerId'"), std::string::npos);
}

TEST(Signalling, RejectsLongAndControlCharacterNames) {
  std::string longName(65, 'a');
  err(R"({"v":1,"id":1,"type":"join","room":"r","name":")" + longName + R"("})");
  auto e = err(R"({"v":1,"id":1,"type":"join","room":"r","name":"a\u0007b"})");
  EXPECT_EQ(e.error.code, "bad_request");
}

TEST(Signalling, VersionAndTypeErrors) {
  EXPECT_EQ(err(R"({"v":2,"id":1,"type":"ping"})").error.code, "version");
  EXPECT_EQ(err(R"({"v":1,"id":1,"type":"dance"})").error.code, "unknown_type");
  auto noId = err(R"({"v":1,"type":"ping"})");
  EXPECT_FALSE(noId.id.has_value());
  EXPECT_EQ(noId.error.code, "bad_request");
}

TEST(Signalling, MalformedInputIsAnErrorNotACrash) {
  for (std::string_view bad : {"", "{", "[]", "null", "1", "{\"v\":1,\"id\":1e400}", "\xff\xfe",
                               "{\"v\":1,\"id\":1,\"type\":\"join\",\"room\":\"\xc3\"}"}) {
    auto e = err(bad);
    EXPECT_EQ(e.error.code, "bad_request") << bad;
  }
  std::string deep(1000, '[');
  EXPECT_EQ(err(deep).error.code, "bad_request");
  std::string huge(kMaxMessageBytes + 1, ' ');
  EXPECT_EQ(err(huge).error.code, "too_large");
}

TEST(Signalling, RepliesAreVersionedJson) {
  auto j = nlohmann::json::parse(replyOk(9, {{"a", 1}}));
  EXPECT_EQ(j["v"], 1);
  EXPECT_EQ(j["id"], 9);
  EXPECT_EQ(j["ok"], true);
  auto e = nlohmann::json::parse(replyError(std::nullopt, makeError("bad_request", "x")));
  EXPECT_TRUE(e["id"].is_null());
  EXPECT_EQ(e["error"]["code"], "bad_request");
  auto n = nlohmann::json::parse(notification("participant-left", {{"id", "p1"}}));
  EXPECT_EQ(n["type"], "participant-left");
  EXPECT_EQ(n["v"], 1);
}

}  // namespace
}  // namespace rounds::signalling

namespace rounds::signalling {
namespace {

TEST(SignallingLobby, JoinCarriesInviteAndHostToken) {
  auto r = parseRequest(R"({"v":1,"id":1,"type":"join","room":"series-4","name":"A","invite":"abc_DEF-123","hostToken":"tok"})");
  auto& j = std::get<JoinRequest>(std::get<Request>(r).body);
  EXPECT_EQ(j.invite, "abc_DEF-123");
  EXPECT_EQ(j.hostToken, "tok");
  auto plain = parseRequest(R"({"v":1,"id":1,"type":"join","room":"r","name":"A"})");
  EXPECT_TRUE(std::get<JoinRequest>(std::get<Request>(plain).body).invite.empty());
}

TEST(SignallingLobby, RejectsBadTokens) {
  auto spaced = parseRequest(R"({"v":1,"id":1,"type":"join","room":"r","name":"A","invite":"a b"})");
  EXPECT_EQ(std::get<RequestError>(spaced).error.code, "bad_request");
  auto number = parseRequest(R"({"v":1,"id":1,"type":"join","room":"r","name":"A","hostToken":5})");
  EXPECT_EQ(std::get<RequestError>(number).error.code, "bad_request");
  std::string longToken(300, 'x');
  auto tooLong = parseRequest(R"({"v":1,"id":1,"type":"join","room":"r","name":"A","invite":")" +
                              longToken + R"("})");
  EXPECT_NE(std::get<RequestError>(tooLong).error.message.find("invite"), std::string::npos);
}

TEST(SignallingLobby, ParsesAdmitDenyAndHand) {
  auto admit = std::get<Request>(parseRequest(R"({"v":1,"id":2,"type":"admit","lobbyId":"l1"})"));
  EXPECT_TRUE(std::get<LobbyDecisionRequest>(admit.body).admit);
  auto deny = std::get<Request>(parseRequest(R"({"v":1,"id":2,"type":"deny","lobbyId":"l1"})"));
  EXPECT_FALSE(std::get<LobbyDecisionRequest>(deny.body).admit);
  EXPECT_EQ(std::get<RequestError>(parseRequest(R"({"v":1,"id":2,"type":"admit"})")).error.code,
            "bad_request");
  auto hand = std::get<Request>(parseRequest(R"({"v":1,"id":3,"type":"hand","raised":false,"participantId":"p9"})"));
  EXPECT_FALSE(std::get<HandRequest>(hand.body).raised);
  EXPECT_EQ(std::get<HandRequest>(hand.body).participantId, "p9");
  EXPECT_EQ(std::get<RequestError>(parseRequest(R"({"v":1,"id":3,"type":"hand"})")).error.code,
            "bad_request");
  EXPECT_EQ(std::get<RequestError>(parseRequest(R"({"v":1,"id":3,"type":"hand","raised":1})")).error.code,
            "bad_request");
}

TEST(SignallingHostControls, ParsesEachControl) {
  using Action = HostControlRequest::Action;
  auto control = [](const char* text) {
    auto parsed = parseRequest(text);
    EXPECT_TRUE(std::holds_alternative<Request>(parsed)) << text;
    return std::get<HostControlRequest>(std::get<Request>(parsed).body);
  };
  auto mute = control(R"({"v":1,"id":4,"type":"mute","participantId":"p1","locked":true})");
  EXPECT_EQ(mute.action, Action::Mute);
  EXPECT_EQ(mute.participantId, "p1");
  EXPECT_TRUE(mute.locked);
  EXPECT_FALSE(control(R"({"v":1,"id":4,"type":"mute","participantId":"p1"})").locked);
  EXPECT_EQ(control(R"({"v":1,"id":4,"type":"allow-unmute","participantId":"p1"})").action,
            Action::AllowUnmute);
  EXPECT_EQ(control(R"({"v":1,"id":4,"type":"remove","participantId":"p1"})").action,
            Action::Remove);
  auto role = control(R"({"v":1,"id":4,"type":"set-role","participantId":"p1","role":"speaker"})");
  EXPECT_EQ(role.action, Action::SetRole);
  EXPECT_EQ(role.role, "speaker");
  auto presenter = control(R"({"v":1,"id":4,"type":"set-presenter"})");
  EXPECT_EQ(presenter.action, Action::SetPresenter);
  EXPECT_EQ(presenter.participantId, "");
}

TEST(SignallingHostControls, ErrorsNameTheField) {
  auto field = [](const char* text) {
    auto parsed = parseRequest(text);
    EXPECT_TRUE(std::holds_alternative<RequestError>(parsed)) << text;
    return std::get<RequestError>(parsed).error.message;
  };
  EXPECT_NE(field(R"({"v":1,"id":4,"type":"remove"})").find("participantId"), std::string::npos);
  EXPECT_NE(field(R"({"v":1,"id":4,"type":"mute","participantId":"p1","locked":"yes"})")
                .find("locked"),
            std::string::npos);
  EXPECT_NE(field(R"({"v":1,"id":4,"type":"set-role","participantId":"p1","role":"host"})")
                .find("role"),
            std::string::npos);
  EXPECT_NE(field(R"({"v":1,"id":4,"type":"set-role","participantId":"p1"})").find("role"),
            std::string::npos);
  EXPECT_NE(field(R"({"v":1,"id":4,"type":"mute","participantId":"p 1"})").find("participantId"),
            std::string::npos);
}

TEST(Signalling, ParsesReceiveChoices) {
  auto own = std::get<Request>(parseRequest(R"({"v":1,"id":4,"type":"receive","mode":"audio-only"})"));
  EXPECT_EQ(std::get<ReceiveRequest>(own.body).mode, ReceiveMode::AudioOnly);
  EXPECT_FALSE(std::get<ReceiveRequest>(own.body).roomDefault);
  auto follow = std::get<Request>(parseRequest(R"({"v":1,"id":5,"type":"receive","mode":"room-default"})"));
  EXPECT_FALSE(std::get<ReceiveRequest>(follow.body).mode.has_value());
  auto room = std::get<Request>(
      parseRequest(R"({"v":1,"id":6,"type":"receive","mode":"active-speaker","roomDefault":true})"));
  EXPECT_EQ(std::get<ReceiveRequest>(room.body).mode, ReceiveMode::ActiveSpeaker);
  EXPECT_TRUE(std::get<ReceiveRequest>(room.body).roomDefault);
  for (const char* bad : {R"({"v":1,"id":7,"type":"receive"})", R"({"v":1,"id":7,"type":"receive","mode":"video"})",
                          R"({"v":1,"id":7,"type":"receive","mode":"room-default","roomDefault":true})",
                          R"({"v":1,"id":7,"type":"receive","mode":"all","roomDefault":"yes"})"}) {
    auto parsed = parseRequest(bad);
    ASSERT_TRUE(std::holds_alternative<RequestError>(parsed)) << bad;
    EXPECT_EQ(std::get<RequestError>(parsed).error.code, "bad_request") << bad;
  }
  for (ReceiveMode m : {ReceiveMode::All, ReceiveMode::AudioOnly, ReceiveMode::ActiveSpeaker})
    EXPECT_EQ(parseReceiveMode(toString(m)), m);
}

TEST(Signalling, ParsesScreenChoicesAndShare) {
  using Screens = ReceiveRequest::Screens;
  auto hide = std::get<Request>(parseRequest(R"({"v":1,"id":4,"type":"receive","screen":"hide"})"));
  const auto& h = std::get<ReceiveRequest>(hide.body);
  EXPECT_EQ(h.screens, Screens::Hide);
  EXPECT_FALSE(h.hasMode) << "screen alone leaves the mode as it is";
  auto both = std::get<Request>(
      parseRequest(R"({"v":1,"id":5,"type":"receive","mode":"active-speaker","screen":"room-default"})"));
  EXPECT_EQ(std::get<ReceiveRequest>(both.body).screens, Screens::RoomDefault);
  EXPECT_TRUE(std::get<ReceiveRequest>(both.body).hasMode);
  EXPECT_EQ(std::get<ReceiveRequest>(both.body).mode, ReceiveMode::ActiveSpeaker);
  auto room = std::get<Request>(parseRequest(R"({"v":1,"id":6,"type":"receive","screen":"show","roomDefault":true})"));
  EXPECT_EQ(std::get<ReceiveRequest>(room.body).screens, Screens::Show);
  auto modeOnly = std::get<Request>(parseRequest(R"({"v":1,"id":6,"type":"receive","mode":"all"})"));
  EXPECT_EQ(std::get<ReceiveRequest>(modeOnly.body).screens, Screens::Unchanged);

  auto share = std::get<Request>(parseRequest(R"({"v":1,"id":8,"type":"share","active":true})"));
  EXPECT_TRUE(std::get<ShareRequest>(share.body).active);
  auto stop = std::get<Request>(parseRequest(R"({"v":1,"id":9,"type":"stop-share","participantId":"p1"})"));
  EXPECT_EQ(std::get<HostControlRequest>(stop.body).action, HostControlRequest::Action::StopShare);

  for (const char* bad : {R"({"v":1,"id":7,"type":"receive","screen":"off"})",
                          R"({"v":1,"id":7,"type":"receive","screen":true})",
                          R"({"v":1,"id":7,"type":"receive","screen":"room-default","roomDefault":true})",
                          R"({"v":1,"id":7,"type":"receive","mode":"x","screen":"hide"})",
                          R"({"v":1,"id":7,"type":"share"})", R"({"v":1,"id":7,"type":"share","active":"yes"})",
                          R"({"v":1,"id":7,"type":"stop-share"})"}) {
    auto parsed = parseRequest(bad);
    ASSERT_TRUE(std::holds_alternative<RequestError>(parsed)) << bad;
    EXPECT_EQ(std::get<RequestError>(parsed).error.code, "bad_request") << bad;
  }
}

}  // namespace
}  // namespace rounds::signalling
