// MeetingService: the sessions of a series (meetings), who may act in one (the series' host by
// sign-in session, its invitees by invite token), and the agenda with its running item.
// Errors use the codes of accounts.hpp (invalid_field 400, unauthorized 401, forbidden 403,
// not_found 404, conflict 409).
// Threading: control thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "services/accounts.hpp"
#include "services/series.hpp"
#include "store/knowledge_records.hpp"
#include "store/store.hpp"

namespace rounds {

// What a request presents: a host's bearer token and/or an invitee's personal invite token.
struct Credentials {
  std::string bearer;
  std::string inviteToken;
};

// Who is acting in a series, as the audit log and the Q&A see them.
struct Actor {
  std::string key;   // "account:<id>" or "person:<id>": stable, stored with what they do
  std::string name;  // display name
  bool host = false;
};

// A meeting together with the actor who may act in it.
struct MeetingAccess {
  MeetingRecord meeting;
  SeriesRecord series;
  Actor actor;
};

struct AgendaView {
  std::vector<AgendaItemRecord> items;
  std::optional<AgendaItemRecord> current;  // started and not ended
  int64_t elapsedMs = 0;                    // of the current item
  bool overrun = false;                     // elapsed beyond its time box
};

class MeetingService {
 public:
  MeetingService(Store& store, const Clock& clock, AccountService& accounts, SeriesService& series)
      : store_(store), clock_(clock), accounts_(accounts), series_(series) {}

  // The series' owner or a co-host (bearer) or one of its invitees (invite token); else
  // unauthorized/forbidden.
  Result<Actor> actorInSeries(const SeriesRecord& series, const Credentials& creds);
  Result<std::pair<SeriesRecord, Actor>> seriesAccess(int64_t seriesId, const Credentials& creds);
  Result<MeetingAccess> access(int64_t meetingId, const Credentials& creds);

  // Host only: a session of the series starting at startsAtMs (UTC).
  Result<MeetingRecord> create(const Credentials& creds, int64_t seriesId, const std::string& title,
                               int64_t startsAtMs, int durationMinutes);

  // Host or invitee: every meeting of the series, earliest first, with who is asking.
  Result<std::pair<Actor, std::vector<MeetingRecord>>> list(const Credentials& creds,
                                                            int64_t seriesId);

  Result<AgendaItemRecord> addItem(const MeetingAccess& a, const std::string& title,
                                   const std::string& presenter, int minutes);
  // Host only: `ids` lists every item of the meeting once, in the new running order.
  Result<AgendaView> reorder(const MeetingAccess& a, const std::vector<int64_t>& ids);
  // Host only. start: the given item; next: the one after the current (or the first).
  Result<AgendaView> start(const MeetingAccess& a, int64_t itemId);
  Result<AgendaView> next(const MeetingAccess& a);
  Result<AgendaView> agenda(const MeetingAccess& a);

  static AgendaView viewOf(std::vector<AgendaItemRecord> items, int64_t nowMs);
  Store& store() { return store_; }
  const Clock& clock() const { return clock_; }

 private:
  Store& store_;
  const Clock& clock_;
  AccountService& accounts_;
  SeriesService& series_;
};

}  // namespace rounds
