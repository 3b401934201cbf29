// Signalling messages (docs/signalling.md, version 1): parse and validate what a client sends, and
// build what the server sends. Pure functions over text/JSON; no I/O. Fuzzed (signalling_fuzz).
// Threading: stateless; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/result.hpp"
#include "media/types.hpp"

namespace rounds::signalling {

constexpr int kVersion = 1;
constexpr size_t kMaxMessageBytes = 65536;
constexpr int kMaxJsonDepth = 16;
constexpr size_t kMaxTokenBytes = 256;  // invite, hostToken, lobbyId, participantId

struct JoinRequest {
  std::string room;
  std::string name;
  bool audio = true;
  bool video = true;
  std::string invite;     // a personal invitation token (series rooms), or ""
  std::string hostToken;  // a host's sign-in session token (series rooms), or ""
  std::string passcode;   // the series room's passcode, for joiners without an invitation
};
// A host lets someone in from the lobby (`admit`) or turns them away (`deny`).
struct LobbyDecisionRequest {
  std::string lobbyId;
  bool admit = false;
};
// Raise or lower a hand; a host may lower someone else's (`participantId`).
struct HandRequest {
  bool raised = false;
  std::string participantId;  // "" = oneself
};
// A host acting on another participant (docs/signalling.md "Host controls").
struct HostControlRequest {
  enum class Action {
    Mute,         // `mute`: stop forwarding their microphone; `locked` keeps them from unmuting
    AllowUnmute,  // `allow-unmute`: lifts a lock (never unmutes anyone)
    Remove,       // `remove`: out of the room; their invitation leads to the lobby from now on
    SetRole,      // `set-role`: `observer`, `speaker` or `co-host`
    SetPresenter, // `set-presenter`: who gets the agenda's overrun warning ("" = by name)
    StopShare,    // `stop-share`: ends the participant's screen sharing
  };
  Action action = Action::Mute;
  std::string participantId;
  bool locked = false;
  std::string role;
};

// Low-bandwidth choices (issue 5): what this participant receives ("all", "audio-only",
// "active-speaker", or "room-default" to follow the room); a host with `roomDefault` sets the
// room's default instead (then "room-default" is not allowed).
// `screen` ("show", "hide", "room-default") is the separate "no incoming screen video" choice;
// either field may be left out, not both.
struct ReceiveRequest {
  std::optional<ReceiveMode> mode;  // nullopt: "room-default"
  bool hasMode = true;              // false: `mode` was absent, only `screen` changes
  enum class Screens { Unchanged, Show, Hide, RoomDefault };
  Screens screens = Screens::Unchanged;
  bool roomDefault = false;
};
// Start (`active`) or stop sharing one's screen (docs/signalling.md "Screen sharing").
struct ShareRequest {
  bool active = false;
};
struct AnswerRequest {
  int64_t offerId = 0;
  std::string sdp;
};
struct UpdateRequest {
  std::optional<bool> audioMuted;
  std::optional<bool> videoMuted;
};
struct LeaveRequest {};
struct PingRequest {};
// Simulcast: how large the client shows a participant's video (device pixels); the server
// forwards no larger a layer than the tile needs.
struct TileRequest {
  std::string participantId;
  uint32_t width = 0;
  uint32_t height = 0;
};
// The client's ICE connection failed or stayed disconnected: new ICE credentials, then a new offer.
struct RestartIceRequest {};
// A new socket takes over a participant whose old socket closed or died (docs/signalling.md
// "Resuming a session"): the resume token of the last join/resume reply, and the same room.
struct ResumeRequest {
  std::string room;
  std::string token;
};

using Body = std::variant<JoinRequest, AnswerRequest, UpdateRequest, LeaveRequest, PingRequest,
                          RestartIceRequest, LobbyDecisionRequest, HandRequest, HostControlRequest,
                          ReceiveRequest, TileRequest, ResumeRequest, ShareRequest>;

struct Request {
  int64_t id = 0;
  Body body;
};

// A request that failed validation still carries its id when one could be read, so the error
// reply can name it (docs/signalling.md: "id": null otherwise).
struct RequestError {
  std::optional<int64_t> id;
  Error error;
};

// Parses and validates one client message. Never throws.
std::variant<Request, RequestError> parseRequest(std::string_view text);

// "all" | "audio-only" | "active-speaker" and back.
std::optional<ReceiveMode> parseReceiveMode(std::string_view text);
const char* toString(ReceiveMode mode);

// Validators shared with the HTTP API.
bool isValidRoomName(std::string_view room);
// Trims, then requires 1..64 code points and no control characters; returns the trimmed name.
std::optional<std::string> normalizeDisplayName(std::string_view name);

// Server messages.
std::string replyOk(int64_t id, const nlohmann::json& data);
std::string replyError(std::optional<int64_t> id, const Error& error);
std::string notification(std::string_view type, nlohmann::json fields);
// Appends `s` as a JSON string literal (RFC 8259 §7): quotes, backslash and control characters
// escaped, UTF-8 passed through, an invalid UTF-8 byte replaced by U+FFFD (as the messages'
// dump does). For text built without a json object (Conference's participant lists).
void appendJsonString(std::string& out, std::string_view s);

}  // namespace rounds::signalling
