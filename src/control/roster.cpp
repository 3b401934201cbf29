// Conference: telling a room's members who joined and who left (docs/signalling.md "Roster").
// A change in a quiet room goes out at once as `participant-joined` / `participant-left`. When
// changes come faster (a briefing's audience arriving: hundreds in a minute), those within
// `rosterBatchWindow` of the last message wait for the window's end and go out together as one
// `roster` message per member. Every join used to cost one message per member present, O(N²)
// for N arrivals; now it is at most one message per member a window.
//
// Each member hears only what it does not know yet: a change carries the room's running count
// (`seq`), and a member's `rosterSeen` is the count when it last got the whole list (its join or
// resume reply). Someone who joined and left inside one batch is not mentioned to members who
// never heard of them; a member that joined in between (and saw them in its list) hears they
// left. Any other room-wide message (broadcast) sends the pending changes first, so nothing about
// a person reaches a member before their arrival does.
// Threading: control thread only (part of Conference).
#include <algorithm>

#include "control/conference.hpp"

namespace rounds {

using nlohmann::json;

void Conference::rosterJoined(Participant& p) {
  RoomRoster& r = rosters_[p.room];
  r.pending.push_back(RosterChange{++r.seq, p.id, true, describe(p), {}});
  p.rosterSeen = r.seq;  // its join reply listed everyone before it
  sendRosterOrWait(p.room, r);
}

void Conference::rosterLeft(const Participant& p, const std::string& reason) {
  RoomRoster& r = rosters_[p.room];
  r.pending.push_back(RosterChange{++r.seq, p.id, false, nullptr, reason});
  sendRosterOrWait(p.room, r);
}

void Conference::sendRosterOrWait(const std::string& room, const RoomRoster& r) {
  if (r.pending.size() == 1 &&
      (!r.lastSent || clock_.now() - *r.lastSent >= config_.rosterBatchWindow)) {
    flushRoster(room);  // a quiet room: at once
    return;
  }
  if (rosterTimerArmed_) return;  // it flushes every room with changes waiting
  rosterTimerArmed_ = true;
  rosterTimer_.expires_after(config_.rosterBatchWindow);
  // A handler already queued when the Conference goes away must not touch it: the token.
  rosterTimer_.async_wait(
      [this, alive = std::weak_ptr<int>(rosterAlive_)](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) onRosterTimer();
      });
}

void Conference::onRosterTimer() {
  rosterTimerArmed_ = false;
  std::vector<std::string> due;
  for (const auto& [room, r] : rosters_)
    if (!r.pending.empty()) due.push_back(room);
  for (const auto& room : due) flushRoster(room);
}

void Conference::flushRoster(const std::string& room) {
  auto r = rosters_.find(room);
  if (r == rosters_.end() || r->second.pending.empty()) return;
  RoomRoster& roster = r->second;
  std::vector<RosterChange> changes = std::move(roster.pending);
  roster.pending.clear();
  auto members = rooms_.find(room);
  if (members == rooms_.end()) return;

  // Members that know the same changes get the same text: serialise once per starting point
  // (almost every member shares the first one).
  std::map<size_t, std::string> texts;
  auto textFrom = [&](size_t from) -> const std::string& {
    auto it = texts.find(from);
    if (it != texts.end()) return it->second;
    // A leave whose join is also news to this member cancels both.
    std::set<std::string> joinedHere;
    std::set<std::string> cancelled;
    for (size_t i = from; i < changes.size(); ++i) {
      if (changes[i].joined) {
        joinedHere.insert(changes[i].id);
      } else if (joinedHere.count(changes[i].id)) {
        cancelled.insert(changes[i].id);
      }
    }
    json joined = json::array();
    json left = json::array();
    for (size_t i = from; i < changes.size(); ++i) {
      const RosterChange& c = changes[i];
      if (cancelled.count(c.id)) continue;
      if (c.joined)
        joined.push_back(c.participant);
      else
        left.push_back(json{{"id", c.id}, {"reason", c.reason}});
    }
    std::string text;  // stays empty when everything cancelled out
    if (joined.size() + left.size() > 1) {
      text = signalling::notification(
          "roster", json{{"joined", std::move(joined)}, {"left", std::move(left)}});
    } else if (joined.size() == 1) {  // one change: the message a quiet room gets
      text = signalling::notification("participant-joined", json{{"participant", joined[0]}});
    } else if (left.size() == 1) {
      text = signalling::notification("participant-left", left[0]);
    }
    return texts.emplace(from, std::move(text)).first->second;
  };

  for (const auto& id : members->second) {
    Participant& m = *participants_.at(id);
    auto first = std::partition_point(changes.begin(), changes.end(),
                                      [&](const RosterChange& c) { return c.seq <= m.rosterSeen; });
    const size_t from = static_cast<size_t>(first - changes.begin());
    m.rosterSeen = roster.seq;
    if (from == changes.size()) continue;
    const std::string& text = textFrom(from);
    if (text.empty()) continue;
    m.conn->send(text);
    roster.lastSent = clock_.now();  // the window counts from the last message a member got
  }
}

}  // namespace rounds
