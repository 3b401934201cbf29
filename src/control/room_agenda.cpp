// Conference: what the REST API pushes into a room (RoomEvents): the running agenda item, with
// who presents it, and series roles changed while people are in the room.
// Threading: control thread only (part of Conference).
#include <algorithm>

#include "common/log.hpp"
#include "control/conference.hpp"

namespace rounds {

using nlohmann::json;

json Conference::agendaJson(const std::string& room) const {
  auto it = agendas_.find(room);
  if (it == agendas_.end()) return nullptr;
  const RoomAgenda& a = it->second;
  json out{{"meetingId", a.meetingId}, {"serverTime", clock_.wallMillis()}};
  if (!a.current) {
    out["item"] = nullptr;
    return out;
  }
  const AgendaItemRecord& item = *a.current;
  int64_t started = item.startedAtMs.value_or(clock_.wallMillis());
  int64_t elapsed = std::max<int64_t>(0, clock_.wallMillis() - started);
  out["item"] = json{{"id", item.id},
                     {"title", item.title},
                     {"presenter", item.presenter},
                     {"minutes", item.minutes},
                     {"startedAt", started}};
  out["elapsedMs"] = elapsed;
  out["overrun"] = elapsed > int64_t{item.minutes} * 60'000;
  // The presenter: whom a host designated, else whoever's directory name is the item's presenter.
  json presenters = json::array();
  if (auto members = rooms_.find(room); members != rooms_.end()) {
    for (const auto& id : members->second) {
      const Participant& p = *participants_.at(id);
      bool designated = !a.presenterId.empty() && p.id == a.presenterId;
      bool named = a.presenterId.empty() && p.identity && !item.presenter.empty() &&
                   p.identity->name == item.presenter;
      if (designated || named) presenters.push_back(p.id);
    }
  }
  out["presenterIds"] = presenters;
  return out;
}

void Conference::broadcastAgenda(const std::string& room) {
  broadcast(room, "", signalling::notification("agenda", json{{"agenda", agendaJson(room)}}));
}

void Conference::onAgendaChanged(const std::string& room, int64_t meetingId,
                                 const AgendaView& view) {
  RoomAgenda& a = agendas_[room];
  bool sameItem = a.meetingId == meetingId && a.current && view.current &&
                  a.current->id == view.current->id;
  if (!sameItem) a.presenterId.clear();  // a designation is for one item
  a.meetingId = meetingId;
  a.current = view.current;
  spdlog::info("room {}: agenda item {}", room,
               view.current ? std::to_string(view.current->id) : std::string("none"));
  broadcastAgenda(room);
}

void Conference::onRolesChanged(const std::string& room) {
  if (!access_) return;
  auto members = rooms_.find(room);
  if (members == rooms_.end()) return;
  std::vector<std::string> ids = members->second;  // applyIdentity may renegotiate, not remove
  for (const auto& id : ids) {
    Participant* p = find(id);
    if (!p || !p->identity || p->identity->personId == 0) continue;
    auto fresh = access_->member(room, p->identity->personId);
    if (!fresh) {
      spdlog::warn("room {}: could not re-read the role of {}: {}", room, id,
                   fresh.error().message);
      continue;
    }
    // Only what the directory changed: a role given in the room stays until the directory's
    // own role for this person changes.
    if (fresh->role == p->directoryRole) continue;
    p->directoryRole = fresh->role;
    spdlog::info("room {}: {} is now {} (series roles changed)", room, id, fresh->role);
    applyIdentity(*p, std::move(fresh.value()));
  }
}

}  // namespace rounds
