#include "control/conference.hpp"

#include <algorithm>

#include "common/assert.hpp"
#include "common/log.hpp"

namespace rounds {

using nlohmann::json;

namespace {
constexpr size_t kMaxPasscodeFailureKeys = 4096;  // (address, room) pairs remembered
}  // namespace

Conference::Conference(ConferenceConfig config, MediaEngine& media, AttendanceService& attendance,
                       const Clock& clock, Random& random)
    : config_(config),
      media_(media),
      attendance_(attendance),
      clock_(clock),
      random_(random),
      turn_(config_.turn, clock),
      rosterTimer_(media.control()) {}

Conference::~Conference() = default;

Conference::Participant* Conference::find(const std::string& id) {
  auto it = participants_.find(id);
  return it == participants_.end() ? nullptr : it->second.get();
}

json Conference::describe(const Participant& p) const {
  std::string text;
  describeInto(text, p);  // the one list of a participant's fields
  return json::parse(text);
}

json Conference::participantsJson(const std::string& room) const {
  json list = json::array();
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return list;
  for (const auto& id : it->second) list.push_back(describe(*participants_.at(id)));
  return list;
}

namespace {
// Stands for the participant list in sessionJson's data until withParticipants() puts the list's
// text there. Its dumped form is the first match in the message: objects dump their keys in order,
// `data` comes first in a reply, and within it only `hands`, `iceServers` and `participantId`
// (ids, URLs, TURN credentials: never this string) come before `participants`.
constexpr const char* kParticipantsPlaceholder = "\x01participants\x01";
}  // namespace

void Conference::describeInto(std::string& out, const Participant& p) const {
  const auto flag = [&](const char* key, bool value) {
    out += key;
    out += value ? "true" : "false";
  };
  out += "{\"id\":";
  signalling::appendJsonString(out, p.id);
  out += ",\"name\":";
  signalling::appendJsonString(out, p.name);
  flag(",\"audioMuted\":", p.audioMuted);
  flag(",\"videoMuted\":", p.videoMuted);
  flag(",\"audioLocked\":", p.audioLocked);
  flag(",\"screen\":", hasScreen(p));
  if (p.identity) {
    out += ",\"organisation\":";
    signalling::appendJsonString(out, p.identity->organisation);
    out += ",\"country\":";
    signalling::appendJsonString(out, p.identity->country);
    out += ",\"role\":";
    signalling::appendJsonString(out, p.identity->role);
    flag(",\"host\":", p.identity->host);
  }
  out += '}';
}

std::string Conference::participantsText(const std::string& room,
                                         const std::string& exceptId) const {
  std::string out = "[";
  if (auto it = rooms_.find(room); it != rooms_.end()) {
    for (const auto& id : it->second) {
      if (id == exceptId) continue;
      if (out.size() > 1) out += ',';
      describeInto(out, *participants_.at(id));
    }
  }
  out += ']';
  return out;
}

std::string Conference::withParticipants(std::string text, const std::string& room,
                                         const std::string& exceptId) const {
  static const std::string marker = json(kParticipantsPlaceholder).dump();
  const size_t at = text.find(marker);
  RELEASE_ASSERT(at != std::string::npos, "a session message without its placeholder");
  text.replace(at, marker.size(), participantsText(room, exceptId));
  return text;
}

json Conference::sessionJson(Participant& p) {
  json data{{"participantId", p.id},
            {"room", p.room},
            {"self", describe(p)},
            {"participants", kParticipantsPlaceholder},
            {"hands", handsJson(p.room)},
            {"receive", receiveJson(p)},
            {"iceServers", iceServersJson(p.id)}};
  if (std::string token = issueResumeToken(p); !token.empty()) {
    data["resumeToken"] = token;
    data["resumeGraceMs"] = config_.resumeGrace.count();
  }
  if (isHost(p)) data["waiting"] = lobbyJson(p.room);
  return data;
}

std::vector<Conference::RoomSummary> Conference::rooms() const {
  std::vector<RoomSummary> out;
  for (const auto& [name, ids] : rooms_) out.push_back({name, ids.size()});
  return out;
}

void Conference::broadcast(const std::string& room, const std::string& exceptId,
                           const std::string& text) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  // What others learn about someone must not overtake their arrival (or departure).
  flushRoster(room);
  for (const auto& id : it->second)
    if (id != exceptId) participants_.at(id)->conn->send(text);
}

void Conference::sendError(const std::shared_ptr<WsConnection>& conn, std::optional<int64_t> id,
                           const Error& e) {
  conn->send(signalling::replyError(id, e));
}

// ---- WebSocket events ----

void Conference::onWsOpen(const std::shared_ptr<WsConnection>& conn) {
  connections_[conn->id()] = Connection{};
}

bool Conference::noteBadMessage(const std::shared_ptr<WsConnection>& conn) {
  auto& c = connections_[conn->id()];
  TimePoint now = clock_.now();
  std::erase_if(c.badMessages, [&](TimePoint t) { return now - t > config_.badMessageWindow; });
  c.badMessages.push_back(now);
  if (static_cast<int>(c.badMessages.size()) >= config_.maxBadMessages) {
    conn->close(1008, "too many malformed messages");
    return false;
  }
  return true;
}

void Conference::onWsMessage(const std::shared_ptr<WsConnection>& conn, std::string_view text) {
  auto parsed = signalling::parseRequest(text);
  if (auto* err = std::get_if<signalling::RequestError>(&parsed)) {
    sendError(conn, err->id, err->error);
    noteBadMessage(conn);
    return;
  }
  auto& req = std::get<signalling::Request>(parsed);
  auto& state = connections_[conn->id()];
  Participant* p = state.participantId.empty() ? nullptr : find(state.participantId);

  if (auto* join = std::get_if<signalling::JoinRequest>(&req.body)) {
    if (!state.participantId.empty() || !state.lobbyId.empty()) {
      sendError(conn, req.id, makeError("already_joined", "this connection has already joined"));
      return;
    }
    handleJoin(conn, req.id, *join);
    return;
  }
  if (auto* resume = std::get_if<signalling::ResumeRequest>(&req.body)) {
    if (!state.participantId.empty() || !state.lobbyId.empty()) {
      sendError(conn, req.id, makeError("already_joined", "this connection has already joined"));
      return;
    }
    handleResume(conn, req.id, *resume);
    return;
  }
  if (std::holds_alternative<signalling::PingRequest>(req.body)) {
    conn->send(signalling::replyOk(req.id, json{{"time", clock_.wallMillis()}}));
    return;
  }
  if (!p && !state.lobbyId.empty() && std::holds_alternative<signalling::LeaveRequest>(req.body)) {
    conn->send(signalling::replyOk(req.id, json::object()));
    removeFromLobby(state.lobbyId);
    conn->close(1000, "left");
    return;
  }
  if (!p) {
    sendError(conn, req.id,
              makeError("not_joined", state.lobbyId.empty() ? "send 'join' first"
                                                            : "waiting in the lobby for a host"));
    return;
  }
  if (auto* answer = std::get_if<signalling::AnswerRequest>(&req.body)) {
    handleAnswer(*p, req.id, *answer);
  } else if (auto* update = std::get_if<signalling::UpdateRequest>(&req.body)) {
    handleUpdate(*p, req.id, *update);
  } else if (std::holds_alternative<signalling::RestartIceRequest>(req.body)) {
    handleRestartIce(*p, req.id);
  } else if (auto* decision = std::get_if<signalling::LobbyDecisionRequest>(&req.body)) {
    handleLobbyDecision(*p, req.id, *decision);
  } else if (auto* hand = std::get_if<signalling::HandRequest>(&req.body)) {
    handleHand(*p, req.id, *hand);
  } else if (auto* control = std::get_if<signalling::HostControlRequest>(&req.body)) {
    handleHostControl(*p, req.id, *control);
  } else if (auto* receive = std::get_if<signalling::ReceiveRequest>(&req.body)) {
    handleReceive(*p, req.id, *receive);
  } else if (auto* tile = std::get_if<signalling::TileRequest>(&req.body)) {
    handleTile(*p, req.id, *tile);
  } else if (auto* share = std::get_if<signalling::ShareRequest>(&req.body)) {
    handleShare(*p, req.id, *share);
  } else if (std::holds_alternative<signalling::LeaveRequest>(req.body)) {
    conn->send(signalling::replyOk(req.id, json::object()));
    removeParticipant(p->id, "left", /*closeSocket=*/true);
  }
}

void Conference::onWsClose(const std::shared_ptr<WsConnection>& conn) {
  auto it = connections_.find(conn->id());
  if (it == connections_.end()) return;
  std::string pid = it->second.participantId;
  std::string lobbyId = it->second.lobbyId;
  connections_.erase(it);
  if (!lobbyId.empty()) removeFromLobby(lobbyId);
  if (pid.empty()) return;
  // Without `leave` the participant may come back on a new socket (session_resume.cpp), unless
  // the browser itself said it is done: 1000 (the page closed the socket) or 1001 (going away:
  // tab closed or reloaded; RFC 6455 §7.4.1).
  auto said = conn->clientCloseCode();
  bool deliberate = said && (*said == 1000 || *said == 1001);
  if (Participant* p = find(pid); p && !deliberate && config_.resumeGrace.count() > 0) {
    detach(*p);
    return;
  }
  removeParticipant(pid, "disconnected", /*closeSocket=*/false);
}

// ---- requests ----

void Conference::handleJoin(const std::shared_ptr<WsConnection>& conn, int64_t id,
                            const signalling::JoinRequest& req) {
  bool guarded = access_ && access_->guarded(req.room);
  if (!req.hostToken.empty() || !req.invite.empty()) {
    if (!guarded) {
      sendError(conn, id, makeError(req.hostToken.empty() ? "invite_invalid" : "host_invalid",
                                    "room '" + req.room + "' takes no invitations"));
      return;
    }
    // A host session wins over an invitation (a host opening their own link).
    auto identity = req.hostToken.empty() ? access_->invitee(req.room, req.invite)
                                          : access_->host(req.room, req.hostToken);
    if (!identity) {
      const Error& e = identity.error();
      bool known = e.code == "invite_invalid" || e.code == "host_invalid";
      if (!known) spdlog::warn("room {}: access check failed: {}", req.room, e.message);
      sendError(conn, id, known ? e : makeError("internal", "could not check the invitation"));
      return;
    }
    // Someone a host removed does not walk back in with the same invitation.
    auto removed = removedPeople_.find(req.room);
    if (!identity->host && removed != removedPeople_.end() &&
        removed->second.count(identity->personId)) {
      waitInLobby(conn, id, req, std::move(identity.value()));
      return;
    }
    enterRoom(conn, id, req, std::move(identity.value()));
    return;
  }
  if (guarded) {
    if (passcodeAccepted(conn, id, req)) waitInLobby(conn, id, req);
    return;
  }
  enterRoom(conn, id, req, std::nullopt);
}

void Conference::enterRoom(const std::shared_ptr<WsConnection>& conn,
                           std::optional<int64_t> replyId, const signalling::JoinRequest& req,
                           std::optional<RoomIdentity> identity) {
  auto& members = rooms_[req.room];
  if (members.size() >= config_.maxParticipantsPerRoom) {
    if (members.empty()) rooms_.erase(req.room);
    Error full = makeError("room_full", "room '" + req.room + "' has reached its limit of " +
                                            std::to_string(config_.maxParticipantsPerRoom));
    if (replyId) {
      sendError(conn, replyId, full);
    } else {
      conn->send(signalling::notification("lobby-denied", json{{"reason", "room_full"}}));
      conn->close(kCloseLobbyDenied, "room full");
    }
    return;
  }
  auto p = std::make_unique<Participant>();
  p->id = "p" + random_.token(12);
  p->name = identity ? identity->name : req.name;
  p->identity = std::move(identity);
  if (p->identity) p->directoryRole = p->identity->role;
  p->room = req.room;
  p->conn = conn;
  p->audioMuted = !req.audio;
  p->videoMuted = !req.video;
  if (p->identity && p->identity->personId != 0) {
    auto locked = lockedPeople_.find(req.room);
    if (locked != lockedPeople_.end() && locked->second.count(p->identity->personId))
      p->audioMuted = p->hostMuted = p->audioLocked = true;  // its producer starts paused
  }
  p->sessionId = random_.u64() >> 2;
  std::optional<int64_t> personId;
  if (p->identity && p->identity->personId != 0) personId = p->identity->personId;
  p->attendanceId = attendance_.joined(req.room, p->id, p->name, personId);
  // The others present: the newcomer is not in the member list yet.
  json data = sessionJson(*p);
  bool host = isHost(*p);
  conn->send(withParticipants(replyId ? signalling::replyOk(*replyId, data)
                                      : signalling::notification("lobby-admitted", data),
                              req.room, ""));
  std::string pid = p->id;
  connections_[conn->id()].participantId = pid;
  members.push_back(pid);
  Participant& joined = *p;
  participants_[pid] = std::move(p);
  rosterJoined(joined);
  // The running agenda item: to everyone if the newcomer is its presenter (the others' agenda
  // names them now), else to the newcomer alone (a briefing's audience does not hear it N times).
  if (agendas_.count(req.room)) {
    json agenda = agendaJson(req.room);
    const json& presenters = agenda["presenterIds"];
    if (std::find(presenters.begin(), presenters.end(), pid) != presenters.end())
      broadcastAgenda(req.room);
    else
      conn->send(signalling::notification("agenda", json{{"agenda", std::move(agenda)}}));
  }
  spdlog::info("room {}: {} joined ({} present{})", req.room, pid, members.size(),
               host ? ", host" : "");

  media_.createPeer(pid, req.room,
                    [this, pid](TransportDescription d) { onTransportReady(pid, d); });
  // The room's low-bandwidth default applies from the first packet (same worker queue).
  if (ReceiveMode mode = receiveMode(*participants_.at(pid)); mode != ReceiveMode::All)
    media_.setReceiveMode(pid, mode);
  if (!receivesScreens(*participants_.at(pid))) media_.setReceiveScreens(pid, false);
}

// ---- lobby (series rooms) ----

bool Conference::passcodeAccepted(const std::shared_ptr<WsConnection>& conn, int64_t id,
                                  const signalling::JoinRequest& req) {
  auto required = access_->passcodeRequired(req.room);
  if (!required) {
    spdlog::warn("room {}: passcode check failed: {}", req.room, required.error().message);
    sendError(conn, id, makeError("internal", "could not check the passcode"));
    return false;
  }
  if (!*required) return true;
  if (req.passcode.empty()) {
    sendError(conn, id, makeError("passcode_required",
                                  "this meeting asks for a passcode; the host can tell you it"));
    return false;
  }
  // Per address (not per socket: a new socket is free) and room; checked before the Argon2
  // verification, so guessing costs the server nothing once the limit is reached.
  std::string address = conn->remoteAddress();
  if (auto colon = address.rfind(':'); colon != std::string::npos) address.resize(colon);
  std::string key = address + " " + req.room;
  TimePoint now = clock_.now();
  if (passcodeFailures_.size() > kMaxPasscodeFailureKeys) {
    // Many addresses guessing: forget those whose last failure left the window.
    std::erase_if(passcodeFailures_, [&](const auto& entry) {
      return entry.second.empty() || now - entry.second.back() >= config_.passcodeFailureWindow;
    });
  }
  auto& failures = passcodeFailures_[key];
  std::erase_if(failures, [&](TimePoint t) { return now - t >= config_.passcodeFailureWindow; });
  if (static_cast<int>(failures.size()) >= config_.maxPasscodeFailures) {
    auto wait = std::chrono::duration_cast<std::chrono::seconds>(
        failures.front() + config_.passcodeFailureWindow - now);
    sendError(conn, id, makeError("passcode_rate_limited",
                                  "too many wrong passcodes; try again in " +
                                      std::to_string(std::max<int64_t>(1, wait.count())) + " s"));
    return false;
  }
  auto matches = access_->passcodeMatches(req.room, req.passcode);
  if (!matches) {
    spdlog::warn("room {}: passcode check failed: {}", req.room, matches.error().message);
    sendError(conn, id, makeError("internal", "could not check the passcode"));
    return false;
  }
  if (*matches) {
    if (failures.empty()) passcodeFailures_.erase(key);
    return true;
  }
  failures.push_back(now);
  spdlog::info("room {}: wrong passcode from {}", req.room, address);
  sendError(conn, id, makeError("passcode_invalid", "that passcode is not right; check it with the host"));
  return false;
}

json Conference::lobbyJson(const std::string& room) const {
  json list = json::array();
  for (const auto& e : lobby_) {
    if (e.room != room) continue;
    json entry{{"id", e.id}, {"name", e.request.name}, {"since", e.sinceMs}};
    if (e.identity) {
      entry["name"] = e.identity->name;
      entry["removed"] = true;
    }
    list.push_back(entry);
  }
  return list;
}

void Conference::notifyLobby(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  std::string text = signalling::notification("lobby", json{{"waiting", lobbyJson(room)}});
  for (const auto& id : it->second) {
    const Participant& p = *participants_.at(id);
    if (isHost(p)) p.conn->send(text);
  }
}

void Conference::waitInLobby(const std::shared_ptr<WsConnection>& conn, int64_t id,
                             const signalling::JoinRequest& req,
                             std::optional<RoomIdentity> removedInvitee) {
  size_t waiting = static_cast<size_t>(std::count_if(
      lobby_.begin(), lobby_.end(), [&](const LobbyEntry& x) { return x.room == req.room; }));
  if (waiting >= config_.maxLobbyPerRoom) {
    sendError(conn, id, makeError("room_full", "the lobby of room '" + req.room + "' is full (" +
                                                   std::to_string(config_.maxLobbyPerRoom) + ")"));
    return;
  }
  LobbyEntry e;
  e.id = "l" + random_.token(12);
  e.room = req.room;
  e.conn = conn;
  e.request = req;
  e.sinceMs = clock_.wallMillis();
  e.identity = std::move(removedInvitee);
  connections_[conn->id()].lobbyId = e.id;
  json data{{"lobby", true}, {"lobbyId", e.id}, {"room", req.room}};
  if (e.identity) data["removed"] = true;
  conn->send(signalling::replyOk(id, data));
  spdlog::info("room {}: {} waits in the lobby", req.room, e.id);
  lobby_.push_back(std::move(e));
  notifyLobby(req.room);
}

void Conference::removeFromLobby(const std::string& lobbyId) {
  auto it = std::find_if(lobby_.begin(), lobby_.end(),
                         [&](const LobbyEntry& e) { return e.id == lobbyId; });
  if (it == lobby_.end()) return;
  std::string room = it->room;
  auto c = connections_.find(it->conn->id());
  if (c != connections_.end()) c->second.lobbyId.clear();
  lobby_.erase(it);
  notifyLobby(room);
}

void Conference::handleLobbyDecision(Participant& host, int64_t id,
                                     const signalling::LobbyDecisionRequest& req) {
  if (!isHost(host)) {
    sendError(host.conn, id, makeError("not_host", "only a host of this room can admit or deny"));
    return;
  }
  auto it = std::find_if(lobby_.begin(), lobby_.end(), [&](const LobbyEntry& e) {
    return e.id == req.lobbyId && e.room == host.room;
  });
  if (it == lobby_.end()) {
    sendError(host.conn, id,
              makeError("not_in_lobby", "nobody with that lobbyId is waiting for this room"));
    return;
  }
  LobbyEntry entry = *it;
  host.conn->send(signalling::replyOk(id, json::object()));
  removeFromLobby(entry.id);  // then the hosts see the shorter list
  spdlog::info("room {}: {} {} by {}", entry.room, entry.id, req.admit ? "admitted" : "denied",
               host.id);
  if (req.admit) {
    if (entry.identity) {
      auto removed = removedPeople_.find(entry.room);
      if (removed != removedPeople_.end()) removed->second.erase(entry.identity->personId);
    }
    enterRoom(entry.conn, std::nullopt, entry.request, entry.identity);
  } else {
    entry.conn->send(signalling::notification("lobby-denied", json{{"reason", "denied"}}));
    entry.conn->close(kCloseLobbyDenied, "denied by the host");
  }
}

// ---- raised hands ----

json Conference::handsJson(const std::string& room) const {
  auto it = hands_.find(room);
  return it == hands_.end() ? json::array() : json(it->second);
}

void Conference::broadcastHands(const std::string& room, const std::string& loweredBy) {
  json fields{{"queue", handsJson(room)}};
  if (!loweredBy.empty()) fields["loweredBy"] = loweredBy;
  broadcast(room, "", signalling::notification("hands", fields));
}

void Conference::handleHand(Participant& p, int64_t id, const signalling::HandRequest& req) {
  std::string target = req.participantId.empty() ? p.id : req.participantId;
  if (target != p.id) {
    if (req.raised) {
      sendError(p.conn, id, makeError("bad_request", "field 'participantId': only your own hand can be raised"));
      return;
    }
    if (!isHost(p)) {
      sendError(p.conn, id, makeError("not_host", "only a host can lower someone else's hand"));
      return;
    }
    const auto& members = rooms_[p.room];
    if (std::find(members.begin(), members.end(), target) == members.end()) {
      sendError(p.conn, id, makeError("bad_request", "field 'participantId': not in this room"));
      return;
    }
  }
  auto& queue = hands_[p.room];
  bool present = std::find(queue.begin(), queue.end(), target) != queue.end();
  bool changed = present != req.raised;
  if (req.raised && !present) queue.push_back(target);
  if (!req.raised && present) std::erase(queue, target);
  if (queue.empty()) hands_.erase(p.room);
  p.conn->send(signalling::replyOk(id, json::object()));
  if (changed) broadcastHands(p.room, target != p.id ? p.id : "");
}

void Conference::onTransportReady(const std::string& participantId, const TransportDescription& d) {
  Participant* p = find(participantId);
  if (!p) return;  // left before the worker answered
  p->transport = d;
  // mid 0: the participant's microphone, mid 1: its camera (docs/signalling.md).
  MLinePlan audio;
  audio.role = MLinePlan::Role::Publish;
  audio.kind = MediaKind::Audio;
  audio.mid = "0";
  MLinePlan video = audio;
  video.kind = MediaKind::Video;
  video.mid = "1";
  video.simulcast = config_.simulcast;
  p->plan = {audio, video};
  if (p->sharing) openScreenLine(*p);  // `share` came before the transport
  for (const auto& otherId : rooms_[p->room]) {
    if (otherId == p->id) continue;
    const Participant& other = *participants_.at(otherId);
    for (const auto& t : other.tracks) subscribe(*p, other, t);
  }
  sendOfferOrQueue(*p);
}

void Conference::subscribe(Participant& subscriber, const Participant& publisher,
                           const Track& track) {
  MLinePlan m;
  m.role = MLinePlan::Role::Subscribe;
  m.kind = track.kind;
  m.mid = std::to_string(subscriber.plan.size());
  m.sourceParticipant = publisher.id;
  m.trackId = track.trackId;
  m.producerId = track.producerId;
  m.consumerId = nextObjectId_++;
  m.codec = track.codec;
  m.screen = track.screen;
  // SSRCs unique within this subscriber's session (RFC 3550 §8); video also gets an RTX SSRC.
  auto taken = [&](uint32_t ssrc) {
    return ssrc == 0 || std::any_of(subscriber.plan.begin(), subscriber.plan.end(),
                                    [&](const MLinePlan& x) {
                                      return x.ssrc == ssrc || x.rtxSsrc == ssrc;
                                    });
  };
  do m.ssrc = random_.u32();
  while (taken(m.ssrc));
  if (track.kind == MediaKind::Video && track.codec.rtxPayloadType != 0) {
    do m.rtxSsrc = random_.u32();
    while (taken(m.rtxSsrc) || m.rtxSsrc == m.ssrc);
  }
  ConsumerSpec spec;
  spec.consumerId = m.consumerId;
  spec.producerId = track.producerId;
  spec.kind = track.kind;
  spec.ssrc = m.ssrc;
  spec.payloadType = track.codec.payloadType;
  spec.clockRate = track.codec.clockRate;
  spec.rtxSsrc = m.rtxSsrc;
  spec.rtxPayloadType = m.rtxSsrc ? track.codec.rtxPayloadType : 0;
  spec.screen = track.screen;
  subscriber.plan.push_back(m);
  media_.addConsumer(subscriber.id, spec);
  subscriber.offerNeeded = true;
}

void Conference::sendOfferOrQueue(Participant& p) {
  if (!p.transport) return;  // the first offer goes out when the transport exists
  if (p.detachedUntil) {
    p.offerNeeded = true;  // no socket: sent after a resume
    return;
  }
  if (p.offerInFlight) {
    p.offerNeeded = true;  // serialised: sent when the current offer is answered
    return;
  }
  OfferContext ctx;
  ctx.transport = *p.transport;
  ctx.sessionId = p.sessionId;
  ctx.version = ++p.sdpVersion;
  std::string sdpText = sdp::serialize(buildOffer(ctx, p.plan));
  p.offerId += 1;
  p.offerInFlight = true;
  p.offeredLines = p.plan.size();
  p.offerNeeded = false;
  p.conn->send(signalling::notification("offer", json{{"offerId", p.offerId}, {"sdp", sdpText}}));
}

void Conference::handleAnswer(Participant& p, int64_t id, const signalling::AnswerRequest& req) {
  if (!p.offerInFlight || req.offerId != p.offerId) {
    sendError(p.conn, id,
              makeError("offer_mismatch", "offer " + std::to_string(req.offerId) +
                                              " is not awaiting an answer"));
    return;
  }
  auto parsed = sdp::parse(req.sdp);
  if (!parsed) {
    sendError(p.conn, id, parsed.error());
    return;
  }
  // Tracks added while this offer was in flight are not in it: check against what was offered.
  std::vector<MLinePlan> offered(p.plan.begin(), p.plan.begin() + p.offeredLines);
  auto info = readAnswer(parsed.value(), offered);
  if (!info) {
    sendError(p.conn, id, info.error());
    return;
  }
  p.offerInFlight = false;
  // The first answer, and the first after an ICE restart (the browser's ufrag changes with it,
  // RFC 8839 §4.4.1.1.2), tell the worker whose checks to accept.
  if (!p.remoteSet || info->iceUfrag != p.remoteIceUfrag) {
    p.remoteSet = true;
    p.remoteIceUfrag = info->iceUfrag;
    media_.setRemoteParameters(p.id, info->iceUfrag, info->fingerprintAlgorithm,
                               info->fingerprintValue);
  }
  p.conn->send(signalling::replyOk(id, json::object()));
  for (const auto& s : info->subscribed) media_.setConsumerRtx(p.id, s.consumerId, s.rtx);
  publishTracks(p, info->published);
  if (p.offerNeeded) sendOfferOrQueue(p);
}

void Conference::publishTracks(Participant& p, const std::vector<PublishedTrack>& published) {
  if (!mayPublish(p)) {
    // An observer's media is refused: no producer, so the worker drops what arrives. Kept for
    // the moment a host promotes them (host_controls.cpp).
    for (const auto& t : published) {
      if (t.screen) continue;  // observers share no screen (handleShare refuses it)
      std::erase_if(p.withheld, [&](const PublishedTrack& w) { return w.kind == t.kind; });
      p.withheld.push_back(t);
    }
    return;
  }
  std::vector<Track> added;
  for (const auto& t : published) {
    bool known = std::any_of(p.tracks.begin(), p.tracks.end(), [&](const Track& x) {
      return x.kind == t.kind && x.screen == t.screen;
    });
    // A screen answered after `share {active:false}` (the offer crossed it) is not published.
    if (known || (t.screen && !p.sharing)) continue;
    Track track;
    track.producerId = nextObjectId_++;
    track.kind = t.kind;
    track.screen = t.screen;
    track.trackId = std::string(t.screen ? "screen" : toString(t.kind)) + "-" + p.id;
    track.codec = t.codec;
    ProducerSpec spec;
    spec.producerId = track.producerId;
    spec.kind = t.kind;
    spec.mid = t.mid;
    spec.ssrc = t.ssrc;
    spec.payloadType = t.codec.payloadType;
    spec.clockRate = t.codec.clockRate;
    spec.rtxSsrc = t.rtxSsrc;
    spec.rtxPayloadType = t.rtxPayloadType;
    spec.transportCc = t.transportCc;
    spec.rids = t.rids;
    spec.codecName = t.codec.name;
    spec.screen = t.screen;
    media_.addProducer(p.id, spec);
    if (t.kind == MediaKind::Audio && p.hostMuted)
      media_.setProducerPaused(p.id, track.producerId, true);
    p.tracks.push_back(track);
    added.push_back(track);
  }
  if (added.empty()) return;
  // A new screen: the others learn who shares (the `screen` flag) before its offer arrives.
  if (std::any_of(added.begin(), added.end(), [](const Track& t) { return t.screen; }))
    broadcast(p.room, "",
              signalling::notification("participant-updated", json{{"participant", describe(p)}}));
  // One renegotiation per subscriber for all of this participant's new tracks.
  for (const auto& otherId : rooms_[p.room]) {
    if (otherId == p.id) continue;
    Participant& other = *participants_.at(otherId);
    if (!other.transport) continue;  // its first offer will include these tracks
    for (const auto& track : added) subscribe(other, p, track);
    sendOfferOrQueue(other);
  }
}

void Conference::handleUpdate(Participant& p, int64_t id, const signalling::UpdateRequest& req) {
  if (req.audioMuted && !*req.audioMuted && p.audioLocked) {
    sendError(p.conn, id,
              makeError("muted_by_host", "a host muted you and keeps your microphone off; raise "
                                         "your hand to ask them to allow unmuting"));
    return;
  }
  if (req.audioMuted && !*req.audioMuted && p.hostMuted) {
    // Unmuting oneself after a host's (unlocked) mute: the server forwards the microphone again.
    p.hostMuted = false;
    for (const auto& t : p.tracks)
      if (t.kind == MediaKind::Audio) media_.setProducerPaused(p.id, t.producerId, false);
  }
  if (req.audioMuted) p.audioMuted = *req.audioMuted;
  if (req.videoMuted) p.videoMuted = *req.videoMuted;
  p.conn->send(signalling::replyOk(id, json::object()));
  broadcast(p.room, p.id,
            signalling::notification("participant-updated", json{{"participant", describe(p)}}));
}

void Conference::handleTile(Participant& p, int64_t id, const signalling::TileRequest& req) {
  // The subscriber's consumer of that participant's camera, if it has one yet (the tile may be
  // reported before the offer that carries the track has been answered).
  bool applied = false;
  for (const auto& m : p.plan) {
    if (m.role != MLinePlan::Role::Subscribe || m.kind != MediaKind::Video || !m.active ||
        m.screen || m.sourceParticipant != req.participantId)
      continue;
    media_.setConsumerTile(p.id, m.consumerId, req.height);
    applied = true;
  }
  p.conn->send(signalling::replyOk(id, json{{"applied", applied}}));
}

json Conference::iceServersJson(const std::string& participantId) const {
  json list = json::array();
  if (auto s = turn_.issue(participantId))
    list.push_back(
        json{{"urls", s->urls}, {"username", s->username}, {"credential", s->credential}});
  return list;
}

void Conference::handleRestartIce(Participant& p, int64_t id) {
  p.conn->send(signalling::replyOk(id, json::object()));
  // Before the first offer there is nothing to restart (that offer brings fresh credentials);
  // a restart already on its way covers this request too.
  if (!p.transport || p.iceRestartPending) return;
  p.iceRestartPending = true;
  std::string pid = p.id;
  media_.restartIce(pid, [this, pid](TransportDescription d) { onIceRestarted(pid, d); });
}

void Conference::onIceRestarted(const std::string& participantId, const TransportDescription& d) {
  Participant* p = find(participantId);
  if (!p) return;  // left meanwhile
  p->iceRestartPending = false;
  if (d.iceUfrag.empty()) return;  // the peer is gone on its worker; onMediaPeerClosed follows
  spdlog::info("room {}: {} ICE restart", p->room, p->id);
  ++sessionStats_.iceRestarts;
  p->transport = d;
  // RFC 8839 §4.4.1.1.1: the new ufrag/pwd in the next offer is what restarts ICE in the browser.
  p->offerNeeded = true;
  sendOfferOrQueue(*p);
}

// ---- leaving ----

void Conference::removeParticipant(const std::string& participantId, const std::string& reason,
                                   bool closeSocket) {
  auto it = participants_.find(participantId);
  if (it == participants_.end()) return;
  std::unique_ptr<Participant> p = std::move(it->second);
  participants_.erase(it);
  if (!p->resumeToken.empty()) resumeTokens_.erase(p->resumeToken);  // a dead session's token
  if (p->detachedUntil) --sessionStats_.detached;
  auto& members = rooms_[p->room];
  std::erase(members, participantId);

  media_.closePeer(p->id);
  attendance_.left(p->attendanceId, reason);
  // Tell the others first (their UI drops the tile now), then renegotiate: every m-line that
  // carried this participant's tracks goes inactive (JSEP never removes one). A publisher's
  // departure goes out at once, ahead of those offers; a viewer's may join a batch.
  rosterLeft(*p, reason);
  if (!p->tracks.empty()) flushRoster(p->room);
  if (auto h = hands_.find(p->room); h != hands_.end()) {
    size_t before = h->second.size();
    std::erase(h->second, participantId);
    bool changed = h->second.size() != before;
    if (h->second.empty()) hands_.erase(h);
    if (changed) broadcastHands(p->room, "");
  }
  unpublishAll(*p);
  if (members.empty()) {
    rooms_.erase(p->room);
    rosters_.erase(p->room);
    roomReceive_.erase(p->room);
    roomHidesScreens_.erase(p->room);
  }
  auto conn = connections_.find(p->conn->id());
  if (conn != connections_.end()) conn->second.participantId.clear();
  if (closeSocket) p->conn->close(1000, reason);
  spdlog::info("room {}: {} left ({})", p->room, p->id, reason);
}

void Conference::unpublishAll(Participant& publisher) {
  std::vector<uint64_t> gone;
  for (const auto& t : publisher.tracks) {
    media_.removeProducer(publisher.id, t.producerId);
    gone.push_back(t.producerId);
  }
  publisher.tracks.clear();
  unsubscribeOthers(publisher, gone);
}

void Conference::unsubscribeOthers(const Participant& publisher,
                                   const std::vector<uint64_t>& producerIds) {
  if (producerIds.empty()) return;
  auto room = rooms_.find(publisher.room);
  if (room == rooms_.end()) return;
  for (const auto& otherId : room->second) {
    if (otherId == publisher.id) continue;
    Participant& other = *participants_.at(otherId);
    bool changed = false;
    for (auto& m : other.plan) {
      if (m.role != MLinePlan::Role::Subscribe || !m.active ||
          std::find(producerIds.begin(), producerIds.end(), m.producerId) == producerIds.end())
        continue;
      m.active = false;  // JSEP keeps m-lines: the next offer says a=inactive
      media_.removeConsumer(other.id, m.consumerId);
      changed = true;
    }
    if (changed) sendOfferOrQueue(other);
  }
}

void Conference::onMediaPeerConnected(const std::string& peerId) {
  if (Participant* p = find(peerId)) {
    p->mediaConnected = true;
    spdlog::info("room {}: {} media connected", p->room, peerId);
  }
}

void Conference::onMediaPeerClosed(const std::string& peerId, const std::string& reason) {
  // A dead network (consent expired) or a closed tab (DTLS close_notify): the participant is
  // gone even if its WebSocket has not noticed yet.
  removeParticipant(peerId, reason, /*closeSocket=*/true);
}

void Conference::shutdown() {
  // The lobby first: nobody waits for a room that is going away.
  std::vector<LobbyEntry> waiting = std::move(lobby_);
  lobby_.clear();
  for (auto& e : waiting) {
    auto c = connections_.find(e.conn->id());
    if (c != connections_.end()) c->second.lobbyId.clear();
    e.conn->close(1001, "shutdown");
  }
  std::vector<std::string> ids;
  for (const auto& [id, p] : participants_) ids.push_back(id);
  for (const auto& id : ids) removeParticipant(id, "shutdown", /*closeSocket=*/true);
  // Nobody is left to tell: the roster timer must not keep the control loop running.
  rosters_.clear();
  rosterTimer_.cancel();
  rosterTimerArmed_ = false;
}

}  // namespace rounds
