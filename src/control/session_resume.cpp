// Conference: session resumption. A participant whose WebSocket closes without `leave` keeps its
// place, its Peer (ICE/DTLS/SRTP), producers and consumers for a grace period; a new socket that
// sends `resume` with the participant's one-time token takes the session over (docs/signalling.md
// "Resuming a session", docs/lifecycle.md "A detached participant").
// Threading: control thread only (part of Conference).

#include "common/log.hpp"
#include "control/conference.hpp"

namespace rounds {

using nlohmann::json;

namespace {

// Where a detached participant's messages go: nowhere. The resume reply carries the state they
// would have told (participants, hands, roles, mute state, receive choice), and offers wait.
class DetachedSocket final : public WsConnection {
 public:
  uint64_t id() const override { return UINT64_MAX; }  // never a real connection's id
  std::string remoteAddress() const override { return "detached"; }
  void send(std::string) override {}
  void close(uint16_t, std::string) override {}
  bool isOpen() const override { return false; }
};

// Base64url characters of a resume token: 22 x 6 = 132 random bits.
constexpr size_t kResumeTokenChars = 22;

const std::shared_ptr<WsConnection>& detachedSocket() {
  static const std::shared_ptr<WsConnection> sink = std::make_shared<DetachedSocket>();
  return sink;
}

}  // namespace

std::string Conference::issueResumeToken(Participant& p) {
  if (!p.resumeToken.empty()) resumeTokens_.erase(p.resumeToken);
  p.resumeToken.clear();
  if (config_.resumeGrace.count() <= 0) return {};
  do {
    p.resumeToken = random_.token(kResumeTokenChars);
  } while (resumeTokens_.count(p.resumeToken));
  resumeTokens_[p.resumeToken] = p.id;
  return p.resumeToken;
}

void Conference::resendOfferLater(Participant& p) {
  // An offer the browser may never have seen (or whose answer is lost) is sent again, with
  // whatever changed meanwhile, once a socket is back.
  if (!p.offerInFlight) return;
  p.offerInFlight = false;
  p.offerNeeded = true;
}

void Conference::detach(Participant& p) {
  if (p.detachedUntil) return;
  p.detachedUntil = clock_.now() + config_.resumeGrace;
  p.conn = detachedSocket();
  resendOfferLater(p);
  ++sessionStats_.detached;
  spdlog::info("room {}: {} socket gone; kept {} ms for a resume", p.room, p.id,
               config_.resumeGrace.count());
}

void Conference::handleResume(const std::shared_ptr<WsConnection>& conn, int64_t id,
                              const signalling::ResumeRequest& req) {
  auto token = resumeTokens_.find(req.token);
  Participant* p = token == resumeTokens_.end() ? nullptr : find(token->second);
  if (!p || p->room != req.room) {
    // Unknown, used, expired, removed, or another room's: one answer for all (no oracle).
    ++sessionStats_.resumeRefused;
    sendError(conn, id, makeError("resume_failed", "this session cannot be resumed; join again"));
    return;
  }
  if (p->detachedUntil) {
    p->detachedUntil.reset();
    --sessionStats_.detached;
  } else {
    // The old socket still looks open here (its TCP connection died with the old address and no
    // ping timed out yet): the new one wins, the old one is closed without ending the session.
    std::shared_ptr<WsConnection> old = p->conn;
    if (auto c = connections_.find(old->id()); c != connections_.end())
      c->second.participantId.clear();
    old->close(kCloseResumedElsewhere, "resumed on another connection");
    resendOfferLater(*p);
  }
  p->conn = conn;
  connections_[conn->id()].participantId = p->id;
  ++sessionStats_.resumed;

  // The reply a join gets, without oneself among the participants (the page keeps its own tile).
  json data = sessionJson(*p);  // a new token: the used one is dead from here
  // This list has every roster change so far, also those still waiting for the others.
  if (auto r = rosters_.find(p->room); r != rosters_.end()) p->rosterSeen = r->second.seq;
  data["resumed"] = true;
  conn->send(withParticipants(signalling::replyOk(id, data), p->room, p->id));
  if (agendas_.count(p->room))
    conn->send(signalling::notification("agenda", json{{"agenda", agendaJson(p->room)}}));
  spdlog::info("room {}: {} resumed on a new socket", p->room, p->id);
  // Changes made while it was away (others joining or leaving) go out now; the client's
  // `restart-ice`, which normally follows, queues behind this offer.
  if (p->offerNeeded) sendOfferOrQueue(*p);
}

void Conference::expireDetached() {
  TimePoint now = clock_.now();
  std::vector<std::string> expired;
  for (const auto& [id, p] : participants_)
    if (p->detachedUntil && now >= *p->detachedUntil) expired.push_back(id);
  for (const auto& id : expired) {
    ++sessionStats_.graceExpired;
    removeParticipant(id, "disconnected", /*closeSocket=*/false);
  }
}

SessionStats Conference::sessionStats() const { return sessionStats_; }

}  // namespace rounds
