// Conference: the low-bandwidth choices of issue 5 (docs/signalling.md "receive"). A participant
// picks what it receives; a host sets the room's default, which everyone without a choice of
// their own follows. The media plane pauses what is not wanted (Router::setReceiveMode).
#include "common/log.hpp"
#include "control/conference.hpp"

namespace rounds {

using nlohmann::json;

ReceiveMode Conference::receiveMode(const Participant& p) const {
  if (p.receiveChoice) return *p.receiveChoice;
  auto it = roomReceive_.find(p.room);
  return it == roomReceive_.end() ? ReceiveMode::All : it->second;
}

bool Conference::receivesScreens(const Participant& p) const {
  if (p.screensChoice) return *p.screensChoice;
  return !roomHidesScreens_.count(p.room);
}

json Conference::receiveJson(const Participant& p) const {
  auto it = roomReceive_.find(p.room);
  auto shown = [](bool show) { return show ? "show" : "hide"; };
  return json{{"mode", signalling::toString(receiveMode(p))},
              {"choice", p.receiveChoice ? json(signalling::toString(*p.receiveChoice)) : json(nullptr)},
              {"roomDefault", signalling::toString(it == roomReceive_.end() ? ReceiveMode::All : it->second)},
              {"screen", shown(receivesScreens(p))},
              {"screenChoice", p.screensChoice ? json(shown(*p.screensChoice)) : json(nullptr)},
              {"roomScreen", shown(!roomHidesScreens_.count(p.room))}};
}

// What `p` receives now; after a change, the media plane is told only what differs.
struct Conference::ReceiveState {
  ReceiveMode mode;
  bool screens;
};

Conference::ReceiveState Conference::receiveState(const Participant& p) const {
  return {receiveMode(p), receivesScreens(p)};
}

void Conference::applyReceive(const Participant& p, const ReceiveState& before) {
  ReceiveState now = receiveState(p);
  if (now.mode != before.mode) media_.setReceiveMode(p.id, now.mode);
  if (now.screens != before.screens) media_.setReceiveScreens(p.id, now.screens);
}

void Conference::handleReceive(Participant& p, int64_t id, const signalling::ReceiveRequest& req) {
  using Screens = signalling::ReceiveRequest::Screens;
  if (!req.roomDefault) {
    ReceiveState before = receiveState(p);
    if (req.hasMode) p.receiveChoice = req.mode;
    if (req.screens != Screens::Unchanged)
      p.screensChoice = req.screens == Screens::RoomDefault ? std::nullopt
                                                            : std::optional<bool>(req.screens == Screens::Show);
    applyReceive(p, before);
    p.conn->send(signalling::replyOk(id, receiveJson(p)));
    spdlog::info("room {}: {} receives {}{}", p.room, p.id, signalling::toString(receiveMode(p)),
                 receivesScreens(p) ? "" : ", no screens");
    return;
  }
  if (!isHost(p)) {
    sendError(p.conn, id, makeError("not_host", "only a host can set the room's default"));
    return;
  }
  // Everyone without a choice of their own follows; everyone hears of the new default.
  std::vector<std::pair<Participant*, ReceiveState>> before;
  for (const auto& memberId : rooms_[p.room]) {
    Participant& m = *participants_.at(memberId);
    before.emplace_back(&m, receiveState(m));
  }
  if (req.hasMode) {
    if (*req.mode == ReceiveMode::All) roomReceive_.erase(p.room);
    else roomReceive_[p.room] = *req.mode;
  }
  if (req.screens == Screens::Show) roomHidesScreens_.erase(p.room);
  if (req.screens == Screens::Hide) roomHidesScreens_.insert(p.room);
  p.conn->send(signalling::replyOk(id, receiveJson(p)));
  for (auto& [m, state] : before) {
    applyReceive(*m, state);
    m->conn->send(signalling::notification("receive", receiveJson(*m)));
  }
  auto room = roomReceive_.find(p.room);
  spdlog::info("room {}: default receive mode {}{} (set by {})", p.room,
               signalling::toString(room == roomReceive_.end() ? ReceiveMode::All : room->second),
               roomHidesScreens_.count(p.room) ? ", no screens" : "", p.id);
}

}  // namespace rounds
