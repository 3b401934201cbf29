#include "control/signalling.hpp"

#include <cctype>

namespace rounds::signalling {

using nlohmann::json;

namespace {

Error badRequest(std::string message) { return makeError("bad_request", std::move(message)); }

// nlohmann parses recursively; cap nesting before handing it the text (outside string literals).
bool depthWithin(std::string_view text, int limit) {
  int depth = 0;
  bool inString = false, escape = false;
  for (char c : text) {
    if (inString) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') inString = false;
      continue;
    }
    if (c == '"') inString = true;
    else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// Fields: a present field of the wrong type is an error naming it; an absent optional one is not.
std::optional<Error> getString(const json& j, const char* field, std::string& out, bool required) {
  auto it = j.find(field);
  if (it == j.end()) {
    if (required) return badRequest(std::string("field '") + field + "': required");
    return std::nullopt;
  }
  if (!it->is_string()) return badRequest(std::string("field '") + field + "': must be a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<Error> getBool(const json& j, const char* field, std::optional<bool>& out) {
  auto it = j.find(field);
  if (it == j.end()) return std::nullopt;
  if (!it->is_boolean()) return badRequest(std::string("field '") + field + "': must be true or false");
  out = it->get<bool>();
  return std::nullopt;
}

// An optional opaque token: printable ASCII without spaces, at most kMaxTokenBytes.
std::optional<Error> getToken(const json& j, const char* field, std::string& out) {
  if (auto e = getString(j, field, out, false)) return e;
  bool ok = out.size() <= kMaxTokenBytes;
  for (char c : out) ok = ok && c > 0x20 && c < 0x7F;
  if (!ok) {
    out.clear();
    return badRequest(std::string("field '") + field + "': at most 256 printable ASCII characters");
  }
  return std::nullopt;
}

size_t utf8Length(std::string_view s, bool& valid) {
  size_t n = 0;
  valid = true;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      valid = false;
      return n;
    }
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) {
        valid = false;
        return n;
      }
    if (c < 0x20 || c == 0x7F) {  // ASCII control characters
      valid = false;
      return n;
    }
    i += len;
    ++n;
  }
  return n;
}

}  // namespace

bool isValidRoomName(std::string_view room) {
  if (room.empty() || room.size() > 64) return false;
  for (char c : room)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

std::optional<std::string> normalizeDisplayName(std::string_view name) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!name.empty() && isSpace(name.front())) name.remove_prefix(1);
  while (!name.empty() && isSpace(name.back())) name.remove_suffix(1);
  bool valid = false;
  size_t n = utf8Length(name, valid);
  if (!valid || n == 0 || n > 64) return std::nullopt;
  return std::string(name);
}

constexpr int64_t kMaxTilePixels = 16384;

std::variant<Request, RequestError> parseRequest(std::string_view text) {
  if (text.size() > kMaxMessageBytes)
    return RequestError{std::nullopt, makeError("too_large", "message over 65536 bytes")};
  if (!depthWithin(text, kMaxJsonDepth))
    return RequestError{std::nullopt, badRequest("JSON nested too deeply")};
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return RequestError{std::nullopt, badRequest("not valid JSON")};
  if (!j.is_object()) return RequestError{std::nullopt, badRequest("message must be a JSON object")};

  std::optional<int64_t> id;
  auto idIt = j.find("id");
  if (idIt != j.end() && idIt->is_number_integer()) {
    int64_t v = idIt->get<int64_t>();
    if (v >= 1 && v <= (int64_t{1} << 53)) id = v;
  }
  auto vIt = j.find("v");
  if (vIt == j.end() || !vIt->is_number_integer())
    return RequestError{id, badRequest("field 'v': required, must be 1")};
  if (vIt->get<int64_t>() != kVersion)
    return RequestError{id, makeError("version", "unsupported protocol version; this server speaks v1")};
  if (!id) return RequestError{std::nullopt, badRequest("field 'id': required, an integer from 1 to 2^53")};

  std::string type;
  if (auto e = getString(j, "type", type, true)) return RequestError{id, *e};

  Request req;
  req.id = *id;
  if (type == "join") {
    JoinRequest r;
    if (auto e = getString(j, "room", r.room, true)) return RequestError{id, *e};
    if (!isValidRoomName(r.room))
      return RequestError{id, badRequest("field 'room': 1-64 characters from A-Z a-z 0-9 - _")};
    std::string name;
    if (auto e = getString(j, "name", name, true)) return RequestError{id, *e};
    auto normalized = normalizeDisplayName(name);
    if (!normalized)
      return RequestError{id, badRequest("field 'name': must be 1-64 characters, no control characters")};
    r.name = *normalized;
    std::optional<bool> audio, video;
    if (auto e = getBool(j, "audio", audio)) return RequestError{id, *e};
    if (auto e = getBool(j, "video", video)) return RequestError{id, *e};
    r.audio = audio.value_or(true);
    r.video = video.value_or(true);
    if (auto e = getToken(j, "invite", r.invite)) return RequestError{id, *e};
    if (auto e = getToken(j, "hostToken", r.hostToken)) return RequestError{id, *e};
    if (auto e = getString(j, "passcode", r.passcode, false)) return RequestError{id, *e};
    if (r.passcode.size() > 256)
      return RequestError{id, badRequest("field 'passcode': at most 256 bytes")};
    req.body = std::move(r);
  } else if (type == "answer") {
    AnswerRequest r;
    auto it = j.find("offerId");
    if (it == j.end() || !it->is_number_integer())
      return RequestError{id, badRequest("field 'offerId': required, an integer")};
    r.offerId = it->get<int64_t>();
    if (auto e = getString(j, "sdp", r.sdp, true)) return RequestError{id, *e};
    if (r.sdp.empty()) return RequestError{id, badRequest("field 'sdp': must not be empty")};
    req.body = std::move(r);
  } else if (type == "update") {
    UpdateRequest r;
    if (auto e = getBool(j, "audioMuted", r.audioMuted)) return RequestError{id, *e};
    if (auto e = getBool(j, "videoMuted", r.videoMuted)) return RequestError{id, *e};
    req.body = r;
  } else if (type == "leave") {
    req.body = LeaveRequest{};
  } else if (type == "ping") {
    req.body = PingRequest{};
  } else if (type == "restart-ice") {
    req.body = RestartIceRequest{};
  } else if (type == "resume") {
    ResumeRequest r;
    if (auto e = getString(j, "room", r.room, true)) return RequestError{id, *e};
    if (!isValidRoomName(r.room))
      return RequestError{id, badRequest("field 'room': 1-64 characters from A-Z a-z 0-9 - _")};
    if (auto e = getToken(j, "token", r.token)) return RequestError{id, *e};
    if (r.token.empty()) return RequestError{id, badRequest("field 'token': required")};
    req.body = std::move(r);
  } else if (type == "admit" || type == "deny") {
    LobbyDecisionRequest r;
    r.admit = type == "admit";
    if (auto e = getToken(j, "lobbyId", r.lobbyId)) return RequestError{id, *e};
    if (r.lobbyId.empty()) return RequestError{id, badRequest("field 'lobbyId': required")};
    req.body = std::move(r);
  } else if (type == "hand") {
    HandRequest r;
    std::optional<bool> raised;
    if (auto e = getBool(j, "raised", raised)) return RequestError{id, *e};
    if (!raised) return RequestError{id, badRequest("field 'raised': required, true or false")};
    r.raised = *raised;
    if (auto e = getToken(j, "participantId", r.participantId)) return RequestError{id, *e};
    req.body = std::move(r);
  } else if (type == "mute" || type == "allow-unmute" || type == "remove" || type == "set-role" ||
             type == "set-presenter" || type == "stop-share") {
    using Action = HostControlRequest::Action;
    HostControlRequest r;
    r.action = type == "mute"           ? Action::Mute
               : type == "allow-unmute" ? Action::AllowUnmute
               : type == "remove"       ? Action::Remove
               : type == "set-role"     ? Action::SetRole
               : type == "stop-share"   ? Action::StopShare
                                        : Action::SetPresenter;
    if (auto e = getToken(j, "participantId", r.participantId)) return RequestError{id, *e};
    if (r.participantId.empty() && r.action != Action::SetPresenter)
      return RequestError{id, badRequest("field 'participantId': required")};
    if (r.action == Action::Mute) {
      std::optional<bool> locked;
      if (auto e = getBool(j, "locked", locked)) return RequestError{id, *e};
      r.locked = locked.value_or(false);
    }
    if (r.action == Action::SetRole) {
      if (auto e = getString(j, "role", r.role, true)) return RequestError{id, *e};
      if (r.role != "observer" && r.role != "speaker" && r.role != "co-host")
        return RequestError{id, badRequest("field 'role': one of observer, speaker, co-host")};
    }
    req.body = std::move(r);
  } else if (type == "receive") {
    ReceiveRequest r;
    std::optional<bool> roomDefault;
    if (auto e = getBool(j, "roomDefault", roomDefault)) return RequestError{id, *e};
    r.roomDefault = roomDefault.value_or(false);
    std::string screen;
    if (auto e = getString(j, "screen", screen, false)) return RequestError{id, *e};
    using Screens = ReceiveRequest::Screens;
    if (screen == "show") r.screens = Screens::Show;
    else if (screen == "hide") r.screens = Screens::Hide;
    else if (screen == "room-default" && !r.roomDefault) r.screens = Screens::RoomDefault;
    else if (j.contains("screen"))
      return RequestError{id, badRequest(r.roomDefault ? "field 'screen': show or hide"
                                                       : "field 'screen': show, hide or room-default")};
    std::string mode;
    r.hasMode = j.contains("mode") || r.screens == Screens::Unchanged;
    if (auto e = getString(j, "mode", mode, r.hasMode)) return RequestError{id, *e};
    r.mode = parseReceiveMode(mode);
    if (r.hasMode && !r.mode && (mode != "room-default" || r.roomDefault))
      return RequestError{id, badRequest(r.roomDefault
                                             ? "field 'mode': all, audio-only or active-speaker"
                                             : "field 'mode': all, audio-only, active-speaker or room-default")};
    req.body = r;
  } else if (type == "share") {
    std::optional<bool> active;
    if (auto e = getBool(j, "active", active)) return RequestError{id, *e};
    if (!active) return RequestError{id, badRequest("field 'active': required, true or false")};
    req.body = ShareRequest{*active};
  } else if (type == "tile") {
    TileRequest r;
    if (auto e = getToken(j, "participantId", r.participantId)) return RequestError{id, *e};
    if (r.participantId.empty()) return RequestError{id, badRequest("field 'participantId': required")};
    for (const char* field : {"width", "height"}) {
      auto it = j.find(field);
      if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() < 0 ||
          it->get<int64_t>() > kMaxTilePixels)
        return RequestError{id, badRequest(std::string("field '") + field +
                                           "': required, an integer from 0 to 16384")};
      (std::string_view(field) == "width" ? r.width : r.height) =
          static_cast<uint32_t>(it->get<int64_t>());
    }
    req.body = std::move(r);
  } else {
    return RequestError{id, makeError("unknown_type", "unknown message type '" + type.substr(0, 32) + "'")};
  }
  return req;
}

std::optional<ReceiveMode> parseReceiveMode(std::string_view text) {
  if (text == "all") return ReceiveMode::All;
  if (text == "audio-only") return ReceiveMode::AudioOnly;
  if (text == "active-speaker") return ReceiveMode::ActiveSpeaker;
  return std::nullopt;
}

const char* toString(ReceiveMode mode) {
  switch (mode) {
    case ReceiveMode::AudioOnly:
      return "audio-only";
    case ReceiveMode::ActiveSpeaker:
      return "active-speaker";
    case ReceiveMode::All:
      break;
  }
  return "all";
}

std::string replyOk(int64_t id, const json& data) {
  return json{{"v", kVersion}, {"id", id}, {"type", "reply"}, {"ok", true}, {"data", data}}.dump();
}

std::string replyError(std::optional<int64_t> id, const Error& error) {
  json j{{"v", kVersion},
         {"type", "reply"},
         {"ok", false},
         {"error", {{"code", error.code}, {"message", error.message}}}};
  j["id"] = id ? json(*id) : json(nullptr);
  // Invalid UTF-8 echoed from input must not make dump() throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string notification(std::string_view type, json fields) {
  fields["v"] = kVersion;
  fields["type"] = std::string(type);
  return fields.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// Length of the valid UTF-8 sequence at s[i] (RFC 3629 §4: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 if it is not one.
size_t utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace

void appendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

}  // namespace rounds::signalling
