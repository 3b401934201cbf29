// Conference: screen sharing (docs/signalling.md "Screen sharing"). A participant's screen is a
// second video producer beside its camera, on a Publish m-line of its own that the server adds to
// the participant's plan at the first `share` and keeps (inactive between shares). Subscribers get
// it on a Subscribe m-line marked a=content:slides (RFC 4796), like any other track.
#include <algorithm>

#include "common/log.hpp"
#include "control/conference.hpp"

namespace rounds {

using nlohmann::json;

MLinePlan* Conference::screenLine(Participant& p) {
  for (auto& m : p.plan)
    if (m.role == MLinePlan::Role::Publish && m.screen) return &m;
  return nullptr;
}

bool Conference::hasScreen(const Participant& p) {
  for (const auto& t : p.tracks)
    if (t.screen) return true;
  return false;
}

// The participant's screen line, appended to its plan if it has none yet (one per participant:
// a second getDisplayMedia replaces the track on the same line, client side).
void Conference::openScreenLine(Participant& p) {
  if (MLinePlan* line = screenLine(p)) {
    line->active = true;
    return;
  }
  MLinePlan line;
  line.role = MLinePlan::Role::Publish;
  line.kind = MediaKind::Video;
  line.mid = std::to_string(p.plan.size());
  line.screen = true;  // one layer: no simulcast for a screen
  p.plan.push_back(line);
}

void Conference::handleShare(Participant& p, int64_t id, const signalling::ShareRequest& req) {
  if (req.active && !mayPublish(p)) {
    sendError(p.conn, id, makeError("not_allowed", "an observer cannot share a screen; ask a host "
                                                   "to make you a speaker"));
    return;
  }
  p.conn->send(signalling::replyOk(id, json{{"sharing", req.active}}));
  if (!req.active) {
    stopSharing(p, /*announce=*/true);
    return;
  }
  if (p.sharing) return;  // already shared (or asked for): the browser swaps tracks by itself
  p.sharing = true;
  spdlog::info("room {}: {} shares a screen", p.room, p.id);
  // Before the first offer the line joins the plan in onTransportReady.
  if (!p.transport) return;
  openScreenLine(p);
  p.offerNeeded = true;
  sendOfferOrQueue(p);
}

bool Conference::stopSharing(Participant& p, bool announce) {
  bool was = p.sharing;
  p.sharing = false;
  std::vector<uint64_t> gone;
  for (const auto& t : p.tracks)
    if (t.screen) gone.push_back(t.producerId);
  std::erase_if(p.tracks, [](const Track& t) { return t.screen; });
  for (uint64_t producerId : gone) media_.removeProducer(p.id, producerId);
  // The room first (clients drop the tile now), then the renegotiations, as when someone leaves.
  if (announce && !gone.empty())
    broadcast(p.room, "",
              signalling::notification("participant-updated", json{{"participant", describe(p)}}));
  if (MLinePlan* line = screenLine(p); line && line->active) {
    line->active = false;  // the next offer says a=inactive: the browser stops sending on it
    p.offerNeeded = true;
    sendOfferOrQueue(p);
  }
  if (gone.empty()) return was;
  // Every subscriber's line of it goes inactive, in one renegotiation each.
  unsubscribeOthers(p, gone);
  spdlog::info("room {}: {} stopped sharing", p.room, p.id);
  return true;
}

}  // namespace rounds
