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

json Conference::receiveJson(const Participant& p) const {
  auto it = roomReceive_.find(p.room);
  return json{{"mode", signalling::toString(receiveMode(p))},
              {"choice", p.receiveChoice ? json(signalling::toString(*p.receiveChoice)) : json(nullptr)},
              {"roomDefault", signalling::toString(it == roomReceive_.end() ? ReceiveMode::All : it->second)}};
}

void Conference::handleReceive(Participant& p, int64_t id, const signalling::ReceiveRequest& req) {
  if (!req.roomDefault) {
    ReceiveMode before = receiveMode(p);
    p.receiveChoice = req.mode;
    if (receiveMode(p) != before) media_.setReceiveMode(p.id, receiveMode(p));
    p.conn->send(signalling::replyOk(id, receiveJson(p)));
    spdlog::info("room {}: {} receives {}", p.room, p.id, signalling::toString(receiveMode(p)));
    return;
  }
  if (!isHost(p)) {
    sendError(p.conn, id, makeError("not_host", "only a host can set the room's default"));
    return;
  }
  // Everyone without a choice of their own follows; everyone hears of the new default.
  std::vector<std::pair<Participant*, ReceiveMode>> before;
  for (const auto& memberId : rooms_[p.room]) {
    Participant& m = *participants_.at(memberId);
    before.emplace_back(&m, receiveMode(m));
  }
  if (*req.mode == ReceiveMode::All) roomReceive_.erase(p.room);
  else roomReceive_[p.room] = *req.mode;
  p.conn->send(signalling::replyOk(id, receiveJson(p)));
  for (auto& [m, mode] : before) {
    if (receiveMode(*m) != mode) media_.setReceiveMode(m->id, receiveMode(*m));
    m->conn->send(signalling::notification("receive", receiveJson(*m)));
  }
  spdlog::info("room {}: default receive mode {} (set by {})", p.room, signalling::toString(*req.mode), p.id);
}

}  // namespace rounds
