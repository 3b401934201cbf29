// Conference: host controls in a room (docs/signalling.md "Host controls"): mute (optionally
// locked), allow-unmute, remove, and set-role (observer / speaker / co-host). Every rule is
// enforced here, on the server; the client only offers the menu.
// Threading: control thread only (part of Conference).
#include "common/log.hpp"
#include "control/conference.hpp"

namespace rounds {

using nlohmann::json;
using Action = signalling::HostControlRequest::Action;

void Conference::handleHostControl(Participant& host, int64_t id,
                                   const signalling::HostControlRequest& req) {
  if (!isHost(host)) {
    sendError(host.conn, id,
              makeError("not_host", "only a host or co-host can mute, remove or change roles"));
    return;
  }
  if (req.action == Action::SetPresenter) {
    // The agenda's presenter for the overrun warning; "" goes back to matching by name.
    auto agenda = agendas_.find(host.room);
    const Participant* who = req.participantId.empty() ? nullptr : find(req.participantId);
    if (!req.participantId.empty() && (!who || who->room != host.room)) {
      sendError(host.conn, id, makeError("not_in_room", "nobody with that participantId is in this room"));
      return;
    }
    if (agenda == agendas_.end()) {
      sendError(host.conn, id, makeError("no_agenda", "no agenda item is running in this room"));
      return;
    }
    agenda->second.presenterId = req.participantId;
    host.conn->send(signalling::replyOk(id, json::object()));
    broadcastAgenda(host.room);
    return;
  }
  Participant* target = find(req.participantId);
  if (!target || target->room != host.room) {
    sendError(host.conn, id, makeError("not_in_room", "nobody with that participantId is in this room"));
    return;
  }
  // The series' owner keeps their place: nobody removes them or changes their role in the room
  // (hand-over is the REST API's, docs/api.md).
  bool owner = target->identity && target->identity->role == "host";
  if (req.action == Action::Remove || req.action == Action::SetRole) {
    if (target == &host) {
      sendError(host.conn, id, makeError("not_allowed", "you cannot do that to yourself"));
      return;
    }
    if (owner) {
      sendError(host.conn, id,
                makeError("not_allowed", "the host of the series cannot be removed or re-roled"));
      return;
    }
  }
  switch (req.action) {
    case Action::Mute:
      host.conn->send(signalling::replyOk(id, json::object()));
      hostMute(host, *target, req.locked);
      return;
    case Action::StopShare:
      // Like the sharer's own `share {active:false}`; their client stops capturing on the notice.
      host.conn->send(signalling::replyOk(id, json::object()));
      if (!stopSharing(*target, /*announce=*/true)) return;
      spdlog::info("room {}: {}'s screen stopped by {}", target->room, target->id, host.id);
      target->conn->send(signalling::notification(
          "share-stopped", json{{"by", host.id}, {"byName", host.name}}));
      return;
    case Action::AllowUnmute:
      target->audioLocked = false;
      if (target->identity && target->identity->personId != 0) {
        auto locked = lockedPeople_.find(target->room);
        if (locked != lockedPeople_.end()) locked->second.erase(target->identity->personId);
      }
      host.conn->send(signalling::replyOk(id, json::object()));
      target->conn->send(signalling::notification(
          "unmute-allowed", json{{"by", host.id}, {"participant", describe(*target)}}));
      broadcast(host.room, target->id,
                signalling::notification("participant-updated",
                                         json{{"participant", describe(*target)}}));
      return;
    case Action::Remove:
      host.conn->send(signalling::replyOk(id, json::object()));
      hostRemove(host, *target);
      return;
    case Action::SetRole:
      host.conn->send(signalling::replyOk(id, json::object()));
      hostSetRole(host, *target, req.role);
      return;
    case Action::SetPresenter:
      break;  // handled before the target lookup
  }
}

void Conference::hostMute(Participant& host, Participant& target, bool locked) {
  // Muting stops forwarding at once, whatever the target's client does (it may be old or
  // misbehave); the participant's own `update` is what resumes it, unless the host locked it.
  target.audioMuted = true;
  target.hostMuted = true;
  target.audioLocked = locked;
  if (target.identity && target.identity->personId != 0) {
    if (locked) lockedPeople_[target.room].insert(target.identity->personId);
    else if (auto it = lockedPeople_.find(target.room); it != lockedPeople_.end())
      it->second.erase(target.identity->personId);
  }
  for (const auto& t : target.tracks)
    if (t.kind == MediaKind::Audio) media_.setProducerPaused(target.id, t.producerId, true);
  spdlog::info("room {}: {} muted by {}{}", target.room, target.id, host.id,
               locked ? " (locked)" : "");
  target.conn->send(signalling::notification(
      "muted-by-host",
      json{{"by", host.id}, {"byName", host.name}, {"locked", locked},
           {"participant", describe(target)}}));
  broadcast(target.room, target.id,
            signalling::notification("participant-updated", json{{"participant", describe(target)}}));
}

void Conference::hostRemove(Participant& host, Participant& target) {
  std::string targetId = target.id;
  std::shared_ptr<WsConnection> conn = target.conn;
  if (target.identity && target.identity->personId != 0)
    removedPeople_[target.room].insert(target.identity->personId);
  spdlog::info("room {}: {} removed by {}", target.room, targetId, host.id);
  conn->send(signalling::notification("removed", json{{"by", host.id}, {"byName", host.name}}));
  removeParticipant(targetId, "removed", /*closeSocket=*/false);
  conn->close(kCloseRemoved, "removed by the host");
}

void Conference::hostSetRole(Participant& host, Participant& target, const std::string& role) {
  // A guest admitted from the lobby has no directory identity; the room gives them one.
  RoomIdentity identity = target.identity.value_or(RoomIdentity{});
  if (!target.identity) identity.name = target.name;
  identity.role = role;
  identity.host = role == "co-host";
  spdlog::info("room {}: {} is now {} (by {})", target.room, target.id, role, host.id);
  applyIdentity(target, std::move(identity));
}

void Conference::applyIdentity(Participant& target, RoomIdentity identity) {
  bool wasObserver = !mayPublish(target);
  bool wasHost = isHost(target);
  target.identity = std::move(identity);
  bool observer = !mayPublish(target);
  if (observer && !wasObserver) stopSharing(target, /*announce=*/false);  // before the label that says `screen`
  // Everyone, the target included, sees the new label first: the client decides from its role
  // whether to attach microphone and camera to the offer that may follow.
  broadcast(target.room, "",
            signalling::notification("participant-updated", json{{"participant", describe(target)}}));
  if (observer && !wasObserver) {
    unpublishAll(target);
    target.withheld.clear();  // from now on their answers are kept here instead
  } else if (!observer && wasObserver) {
    // Their browser may already be sending (kept in `withheld`); a new offer lets the client
    // attach its microphone and camera, and its answer publishes them (handleAnswer).
    std::vector<PublishedTrack> kept = std::move(target.withheld);
    target.withheld.clear();
    publishTracks(target, kept);
    target.offerNeeded = true;
    sendOfferOrQueue(target);
  }
  // A new host gets the lobby at once.
  if (isHost(target) && !wasHost)
    target.conn->send(signalling::notification("lobby", json{{"waiting", lobbyJson(target.room)}}));
}

}  // namespace rounds
