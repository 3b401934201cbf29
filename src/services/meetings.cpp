// MeetingService: access to a meeting and its agenda (see meetings.hpp).
// Threading: see meetings.hpp.
#include "services/meetings.hpp"

#include <algorithm>

#include "services/validation.hpp"
#include "store/knowledge_tables.hpp"

namespace rounds {

namespace {

Status requireHost(const Actor& actor) {
  if (!actor.host) return makeError("forbidden", "only a host of this series may do that");
  return Ok{};
}

}  // namespace

Result<Actor> MeetingService::actorInSeries(const SeriesRecord& series, const Credentials& creds) {
  if (!creds.bearer.empty()) {
    auto caller = accounts_.authenticate(creds.bearer);
    if (!caller) return caller.error();
    // The owner or a co-host of the series (conference_roles) acts as a host here, exactly as
    // SeriesService::get lets them manage the series itself.
    if (caller->accountId != series.ownerAccountId) {
      auto role = series_.roleIn(series, caller->personId);
      if (!role) return role.error();
      if (*role != "co-host")
        return makeError("forbidden",
                         "series " + std::to_string(series.id) + " belongs to another host");
    }
    auto person = accounts_.person(caller->personId);
    Actor a{"account:" + std::to_string(caller->accountId), person ? person->displayName : "host",
            true};
    return a;
  }
  if (!creds.inviteToken.empty()) {
    auto opened = series_.open(creds.inviteToken);
    if (!opened) return opened.error();
    if (opened->series.id != series.id)
      return makeError("forbidden", "this invitation is for another series");
    return Actor{"person:" + std::to_string(opened->invitee.id), opened->invitee.displayName,
                 false};
  }
  return makeError("unauthorized", "sign in (Authorization: Bearer) or present an invite token");
}

Result<std::pair<SeriesRecord, Actor>> MeetingService::seriesAccess(int64_t seriesId,
                                                                    const Credentials& creds) {
  auto s = store_.series(seriesId);
  if (!s) return s.error();
  if (!*s) return makeError("not_found", "no series " + std::to_string(seriesId));
  auto actor = actorInSeries(**s, creds);
  if (!actor) return actor.error();
  return std::make_pair(std::move(**s), std::move(*actor));
}

Result<MeetingAccess> MeetingService::access(int64_t meetingId, const Credentials& creds) {
  auto m = store_.knowledge().meeting(meetingId);
  if (!m) return m.error();
  if (!*m) return makeError("not_found", "no meeting " + std::to_string(meetingId));
  auto sa = seriesAccess((*m)->seriesId, creds);
  if (!sa) return sa.error();
  return MeetingAccess{std::move(**m), std::move(sa->first), std::move(sa->second)};
}

Result<std::pair<Actor, std::vector<MeetingRecord>>> MeetingService::list(
    const Credentials& creds, int64_t seriesId) {
  auto sa = seriesAccess(seriesId, creds);
  if (!sa) return sa.error();
  auto all = store_.knowledge().meetingsOf(seriesId);
  if (!all) return all.error();
  return std::make_pair(std::move(sa->second), std::move(*all));
}

Result<MeetingRecord> MeetingService::create(const Credentials& creds, int64_t seriesId,
                                             const std::string& title, int64_t startsAtMs,
                                             int durationMinutes) {
  auto sa = seriesAccess(seriesId, creds);
  if (!sa) return sa.error();
  if (auto h = requireHost(sa->second); !h) return h.error();
  if (auto v = validate::text("title", title, 1, 200); !v) return v.error();
  if (startsAtMs <= 0)
    return validate::fieldError("startsAt", "must be a UTC time in milliseconds");
  if (durationMinutes < 1 || durationMinutes > 24 * 60)
    return validate::fieldError("durationMinutes", "must be 1 to 1440");
  MeetingRecord m{0, seriesId, title, startsAtMs, durationMinutes, clock_.wallMillis()};
  auto id = store_.knowledge().createMeeting(m);
  if (!id) return id.error();
  m.id = *id;
  return m;
}

Result<AgendaItemRecord> MeetingService::addItem(const MeetingAccess& a, const std::string& title,
                                                 const std::string& presenter, int minutes) {
  if (auto h = requireHost(a.actor); !h) return h.error();
  if (auto v = validate::text("title", title, 1, 200); !v) return v.error();
  if (auto v = validate::text("presenter", presenter, 0, 200); !v) return v.error();
  if (minutes < 1 || minutes > 600) return validate::fieldError("minutes", "must be 1 to 600");
  AgendaItemRecord item;
  item.meetingId = a.meeting.id;
  item.title = title;
  item.presenter = presenter;
  item.minutes = minutes;
  return store_.knowledge().addAgendaItem(item);
}

AgendaView MeetingService::viewOf(std::vector<AgendaItemRecord> items, int64_t nowMs) {
  AgendaView v;
  for (const auto& it : items) {
    if (it.startedAtMs && !it.endedAtMs) {
      v.current = it;
      v.elapsedMs = std::max<int64_t>(0, nowMs - *it.startedAtMs);
      v.overrun = v.elapsedMs > int64_t{it.minutes} * 60'000;
    }
  }
  v.items = std::move(items);
  return v;
}

Result<AgendaView> MeetingService::agenda(const MeetingAccess& a) {
  auto items = store_.knowledge().agenda(a.meeting.id);
  if (!items) return items.error();
  return viewOf(std::move(*items), clock_.wallMillis());
}

Result<AgendaView> MeetingService::reorder(const MeetingAccess& a,
                                           const std::vector<int64_t>& ids) {
  if (auto h = requireHost(a.actor); !h) return h.error();
  auto items = store_.knowledge().agenda(a.meeting.id);
  if (!items) return items.error();
  std::vector<int64_t> have, want = ids;
  for (const auto& it : *items) have.push_back(it.id);
  std::sort(have.begin(), have.end());
  std::sort(want.begin(), want.end());
  if (have != want)
    return validate::fieldError("ids", "must list every agenda item of the meeting exactly once");
  if (auto st = store_.knowledge().reorderAgenda(a.meeting.id, ids); !st) return st.error();
  return agenda(a);
}

Result<AgendaView> MeetingService::start(const MeetingAccess& a, int64_t itemId) {
  if (auto h = requireHost(a.actor); !h) return h.error();
  auto ok = store_.knowledge().startAgendaItem(a.meeting.id, itemId, clock_.wallMillis());
  if (!ok) return ok.error();
  return agenda(a);
}

Result<AgendaView> MeetingService::next(const MeetingAccess& a) {
  if (auto h = requireHost(a.actor); !h) return h.error();
  auto view = agenda(a);
  if (!view) return view;
  const auto& items = view->items;
  if (items.empty()) return makeError("conflict", "the agenda is empty");
  size_t nextIndex = 0;
  if (view->current) {
    for (size_t i = 0; i < items.size(); ++i)
      if (items[i].id == view->current->id) nextIndex = i + 1;
  } else {
    // Nothing running: the first item that has never started.
    while (nextIndex < items.size() && items[nextIndex].startedAtMs) ++nextIndex;
  }
  if (nextIndex >= items.size())
    return makeError("conflict", "the last agenda item is running or done");
  return start(a, items[nextIndex].id);
}

}  // namespace rounds
