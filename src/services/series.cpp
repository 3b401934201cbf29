// Series, exceptions, occurrences and invitations. Threading: see series.hpp.
#include "services/series.hpp"

#include <set>

#include "services/calendar_ics.hpp"
#include "services/credentials.hpp"
#include "services/validation.hpp"

namespace rounds {

namespace {

using validate::fieldError;

std::string field(bool inList, size_t index, const char* name) {
  if (!inList) return name;
  return "exceptions[" + std::to_string(index) + "]." + name;
}

Result<SeriesRecord> found(Result<std::optional<SeriesRecord>> s, int64_t id) {
  if (!s) return s.error();
  if (!*s) return makeError("not_found", "no series " + std::to_string(id));
  return std::move(**s);
}

}  // namespace

std::string SeriesService::roomOf(const SeriesRecord& series) {
  return "series-" + std::to_string(series.id);
}

std::string SeriesService::joinUrl(const SeriesRecord& series, std::string_view token) const {
  return config_.publicUrl + "/r/" + roomOf(series) + "?invite=" + std::string(token);
}

std::string SeriesService::calendarUrl(std::string_view token) const {
  return config_.publicUrl + "/api/invitations/" + std::string(token) + "/calendar.ics";
}

Result<SeriesException> SeriesService::exceptionFrom(const schedule::Rule& rule,
                                                     const ExceptionInput& in, size_t index,
                                                     bool inList) {
  auto original = schedule::parseLocalDateTime(in.originalStart);
  if (!original)
    return fieldError(field(inList, index, "originalStart"),
                      "must be a local date-time YYYY-MM-DDTHH:MM in the series' zone");
  if (!schedule::isOriginal(rule, *original))
    return fieldError(field(inList, index, "originalStart"),
                      schedule::formatLocal(*original) + " is not an occurrence of this series");
  SeriesException ex;
  ex.originalLocal = schedule::formatLocal(*original);
  if (in.action == "cancel") {
    ex.kind = "cancelled";
    return ex;
  }
  if (in.action != "move")
    return fieldError(field(inList, index, "action"), "must be cancel or move");
  auto moved = schedule::parseLocalDateTime(in.newStart);
  if (!moved)
    return fieldError(field(inList, index, "newStart"),
                      "must be a local date-time YYYY-MM-DDTHH:MM in the series' zone");
  if (in.durationMinutes < 0 || in.durationMinutes > 24 * 60)
    return fieldError(field(inList, index, "durationMinutes"), "must be between 1 and 1440");
  const auto shift = *moved - *original;
  if (shift > date::days{366} || shift < -date::days{366})
    return fieldError(field(inList, index, "newStart"), "must be within a year of the original");
  ex.kind = "moved";
  ex.newStartLocal = schedule::formatLocal(*moved);
  ex.newDurationMinutes = in.durationMinutes;
  return ex;
}

Result<SeriesRecord> SeriesService::build(const NewSeries& in) {
  if (auto s = validate::text("title", in.title, 1, 200); !s) return s.error();
  if (auto s = validate::timeZone("timeZone", in.timeZone); !s) return s.error();
  schedule::Rule rule;
  rule.zone = schedule::findZone(in.timeZone);
  auto start = schedule::parseLocalDateTime(in.start);
  if (!start) return fieldError("start", "must be a local date-time YYYY-MM-DDTHH:MM in timeZone");
  const int year = static_cast<int>(date::year_month_day{date::floor<date::days>(*start)}.year());
  if (year < 2000 || year > 2100) return fieldError("start", "year must be between 2000 and 2100");
  rule.start = *start;
  if (in.durationMinutes < 1 || in.durationMinutes > 24 * 60)
    return fieldError("durationMinutes", "must be between 1 and 1440");
  rule.duration = std::chrono::minutes{in.durationMinutes};

  const date::weekday startDay{date::floor<date::days>(*start)};
  if (in.frequency == "weekly") {
    rule.weekly = true;
    if (in.intervalWeeks < 1 || in.intervalWeeks > 52)
      return fieldError("recurrence.intervalWeeks", "must be between 1 and 52");
    rule.intervalWeeks = in.intervalWeeks;
    for (size_t i = 0; i < in.weekdays.size(); ++i) {
      auto wd = schedule::parseWeekday(in.weekdays[i]);
      if (!wd)
        return fieldError("recurrence.weekdays[" + std::to_string(i) + "]",
                          "must be one of MO TU WE TH FR SA SU");
      rule.weekdayMask |= schedule::weekdayBit(*wd);
    }
    if (rule.weekdayMask == 0) rule.weekdayMask = schedule::weekdayBit(startDay);
    // RFC 5545 §3.3.10: a DTSTART outside the pattern makes the recurrence set undefined.
    if (!(rule.weekdayMask & schedule::weekdayBit(startDay)))
      return fieldError("recurrence.weekdays", std::string("must include the weekday of start (") +
                                                   schedule::weekdayCode(startDay) + ")");
    if (!in.until.empty() && in.count > 0)
      return fieldError("recurrence.until", "give either until or count, not both");
    if (!in.until.empty()) {
      auto until = schedule::parseLocalDate(in.until);
      if (!until) return fieldError("recurrence.until", "must be a date YYYY-MM-DD");
      if (*until < date::floor<date::days>(*start))
        return fieldError("recurrence.until", "must not be before start");
      if (*until > date::floor<date::days>(*start) + date::years{schedule::kMaxSeriesYears})
        return fieldError("recurrence.until", "must be within 10 years of start");
      rule.until = *until;
    }
    if (in.count < 0 || in.count > schedule::kMaxCount)
      return fieldError("recurrence.count", "must be between 1 and 500");
    rule.count = in.count;
  } else if (in.frequency == "once") {
    if (!in.weekdays.empty() || !in.until.empty() || in.count != 0 || in.intervalWeeks != 1)
      return fieldError("recurrence.frequency",
                        "a one-off series takes no weekdays, until, count or interval");
  } else {
    return fieldError("recurrence.frequency", "must be once or weekly");
  }

  SeriesRecord rec;
  rec.title = in.title;
  rec.timeZone = std::string(rule.zone->name());
  rec.startLocal = schedule::formatLocal(rule.start);
  rec.startUtcMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                       schedule::toUtc(rule.zone, rule.start).time_since_epoch())
                       .count();
  rec.durationMinutes = in.durationMinutes;
  rec.frequency = rule.weekly ? "weekly" : "once";
  rec.intervalWeeks = rule.intervalWeeks;
  rec.weekdayMask = rule.weekly ? rule.weekdayMask : 0;
  rec.untilLocalDate = rule.until ? schedule::formatDate(*rule.until) : "";
  rec.count = rule.count;
  if (in.exceptions.size() > 200) return fieldError("exceptions", "at most 200");
  std::set<std::string> seen;
  for (size_t i = 0; i < in.exceptions.size(); ++i) {
    auto ex = exceptionFrom(rule, in.exceptions[i], i, true);
    if (!ex) return ex.error();
    if (!seen.insert(ex->originalLocal).second)
      return fieldError(field(true, i, "originalStart"),
                        "this occurrence already has an exception");
    rec.exceptions.push_back(std::move(*ex));
  }
  return rec;
}

Result<SeriesRecord> SeriesService::create(const Caller& caller, const NewSeries& in) {
  auto rec = build(in);
  if (!rec) return rec;
  rec->ownerAccountId = caller.accountId;
  rec->uid = newSecretToken(random_).substr(0, 24);
  rec->createdAtMs = clock_.wallMillis();
  auto id = store_.createSeries(*rec);
  if (!id) return id.error();
  rec->id = *id;
  return rec;
}

Result<SeriesRecord> SeriesService::update(const Caller& caller, int64_t id, const NewSeries& in) {
  auto old = get(caller, id);
  if (!old) return old;
  auto rec = build(in);
  if (!rec) return rec;
  rec->id = old->id;
  rec->ownerAccountId = old->ownerAccountId;
  rec->uid = old->uid;
  rec->createdAtMs = old->createdAtMs;
  if (auto st = store_.updateSeries(*rec); !st) return st.error();
  return found(store_.series(id), id);
}

Result<SeriesRecord> SeriesService::byId(int64_t id) { return found(store_.series(id), id); }

Status SeriesService::setPasscode(const Caller& caller, int64_t seriesId,
                                  const std::string& passcode) {
  auto s = get(caller, seriesId);
  if (!s) return s.error();
  if (auto v = validate::text("passcode", passcode, 4, 64); !v) return v.error();
  auto hash = hashPassword(passcode, random_, config_.passcodeHash);
  if (!hash) return hash.error();
  return store_.putSeriesPasscode(seriesId, *hash, clock_.wallMillis());
}

Status SeriesService::clearPasscode(const Caller& caller, int64_t seriesId) {
  auto s = get(caller, seriesId);
  if (!s) return s.error();
  auto done = store_.deleteSeriesPasscode(seriesId);
  if (!done) return done.error();
  if (!*done) return makeError("not_found", "series " + std::to_string(seriesId) + " has no passcode");
  return Ok{};
}

Result<bool> SeriesService::hasPasscode(int64_t seriesId) {
  auto hash = store_.seriesPasscode(seriesId);
  if (!hash) return hash.error();
  return hash->has_value();
}

Result<bool> SeriesService::checkPasscode(int64_t seriesId, std::string_view passcode) {
  auto hash = store_.seriesPasscode(seriesId);
  if (!hash) return hash.error();
  if (!*hash) return false;
  return verifyPassword(passcode, **hash);
}

Result<SeriesRecord> SeriesService::get(const Caller& caller, int64_t id) {
  auto s = found(store_.series(id), id);
  if (!s) return s;
  if (s->ownerAccountId == caller.accountId) return s;
  auto role = store_.roleOf(id, caller.personId);
  if (!role) return role.error();
  if (*role && **role == "co-host") return s;
  return makeError("forbidden", "series " + std::to_string(id) + " belongs to another host");
}

Result<std::vector<SeriesRecord>> SeriesService::list(const Caller& caller) {
  auto own = store_.seriesOwnedBy(caller.accountId);
  if (!own) return own;
  auto co = store_.seriesCoHostedBy(caller.personId);
  if (!co) return co;
  for (auto& s : *co)
    if (s.ownerAccountId != caller.accountId) own->push_back(std::move(s));
  return own;
}

bool SeriesService::isAssignableRole(std::string_view role) {
  for (const char* r : {"co-host", "presenter", "interpreter", "participant", "observer"})
    if (role == r) return true;
  return false;
}

Result<std::string> SeriesService::roleIn(const SeriesRecord& series, int64_t personId) {
  auto owner = store_.account(series.ownerAccountId);
  if (!owner) return owner.error();
  if (*owner && (*owner)->personId == personId) return std::string("host");
  auto role = store_.roleOf(series.id, personId);
  if (!role) return role.error();
  return role->value_or("");
}

Result<std::vector<RoleRecord>> SeriesService::roles(const Caller& caller, int64_t id) {
  auto s = get(caller, id);
  if (!s) return s.error();
  auto owner = store_.account(s->ownerAccountId);
  if (!owner) return owner.error();
  std::vector<RoleRecord> out;
  if (*owner) out.push_back(RoleRecord{id, (*owner)->personId, "host"});
  auto stored = store_.roles(id);
  if (!stored) return stored.error();
  out.insert(out.end(), stored->begin(), stored->end());
  return out;
}

Status SeriesService::setRole(const Caller& caller, int64_t id, int64_t personId,
                              const std::string& role) {
  auto s = get(caller, id);
  if (!s) return s.error();
  if (role == "host")
    return fieldError("role", "host rights move only by hand-over (POST .../host)");
  if (!isAssignableRole(role))
    return fieldError("role", "must be co-host, presenter, interpreter, participant or observer");
  auto p = store_.person(personId);
  if (!p) return p.error();
  if (!*p) return makeError("not_found", "no person " + std::to_string(personId));
  auto current = roleIn(*s, personId);
  if (!current) return current.error();
  if (*current == "host")
    return makeError("conflict", "this person is the host; hand host rights on first");
  return store_.putRole(RoleRecord{id, personId, role});
}

Status SeriesService::removeRole(const Caller& caller, int64_t id, int64_t personId) {
  auto s = get(caller, id);
  if (!s) return s.error();
  auto done = store_.deleteRole(id, personId);
  if (!done) return done.error();
  if (!*done)
    return makeError("not_found", "person " + std::to_string(personId) + " has no role in series " +
                                      std::to_string(id));
  return Ok{};
}

Result<SeriesRecord> SeriesService::handOver(const Caller& caller, int64_t id,
                                             int64_t newOwnerAccountId) {
  auto s = get(caller, id);
  if (!s) return s;
  if (s->ownerAccountId != caller.accountId)
    return makeError("forbidden", "only the host may hand host rights on");
  auto target = store_.account(newOwnerAccountId);
  if (!target) return target.error();
  if (!*target) return fieldError("accountId", "no host account has this id");
  if ((*target)->id == caller.accountId) return fieldError("accountId", "is already the host");
  if (auto st = store_.handOverHost(id, (*target)->id, caller.personId, (*target)->personId); !st)
    return st.error();
  return found(store_.series(id), id);
}

Result<SeriesRecord> SeriesService::putException(const Caller& caller, int64_t id,
                                                 const ExceptionInput& in) {
  auto s = get(caller, id);
  if (!s) return s;
  auto rule = schedule::ruleOf(*s);
  if (!rule) return rule.error();
  auto ex = exceptionFrom(*rule, in, 0, false);
  if (!ex) return ex.error();
  if (auto st = store_.putSeriesException(id, *ex); !st) return st.error();
  return found(store_.series(id), id);
}

Result<std::vector<schedule::Occurrence>> SeriesService::occurrences(const SeriesRecord& series,
                                                                     schedule::UtcTime from,
                                                                     schedule::UtcTime to) {
  auto rule = schedule::ruleOf(series);
  if (!rule) return rule.error();
  auto ex = schedule::exceptionsOf(series);
  if (!ex) return ex.error();
  return schedule::expand(*rule, *ex, from, to);
}

Result<std::vector<IssuedInvitation>> SeriesService::invite(
    const Caller& caller, int64_t seriesId, const std::vector<InviteeInput>& invitees) {
  auto s = get(caller, seriesId);
  if (!s) return s.error();
  if (invitees.empty()) return fieldError("invitees", "must list at least one invitee");
  if (invitees.size() > 500) return fieldError("invitees", "at most 500 per request");
  const int64_t now = clock_.wallMillis();
  std::vector<IssuedInvitation> out;
  std::vector<InvitationRecord> rows;
  std::set<int64_t> seen;
  for (size_t i = 0; i < invitees.size(); ++i) {
    const std::string prefix = "invitees[" + std::to_string(i) + "].";
    auto p = store_.person(invitees[i].personId);
    if (!p) return p.error();
    if (!*p) return fieldError(prefix + "personId", "no person has this id");
    if (!seen.insert(invitees[i].personId).second)
      return fieldError(prefix + "personId", "listed twice");
    const int64_t expires = invitees[i].expiresAtMs.value_or(now + config_.invitationTtlMs);
    if (expires <= now) return fieldError(prefix + "expiresAt", "must be in the future");
    IssuedInvitation issued;
    issued.token = newSecretToken(random_);
    issued.record.seriesId = seriesId;
    issued.record.personId = invitees[i].personId;
    issued.record.tokenHash = tokenHash(issued.token);
    issued.record.createdAtMs = now;
    issued.record.expiresAtMs = expires;
    issued.joinUrl = joinUrl(*s, issued.token);
    issued.calendarUrl = calendarUrl(issued.token);
    rows.push_back(issued.record);
    out.push_back(std::move(issued));
  }
  auto ids = store_.createInvitations(rows);
  if (!ids) return ids.error();
  for (size_t i = 0; i < out.size(); ++i) out[i].record.id = (*ids)[i];
  return out;
}

Result<std::vector<InvitationRecord>> SeriesService::invitations(const Caller& caller,
                                                                 int64_t seriesId) {
  auto s = get(caller, seriesId);
  if (!s) return s.error();
  return store_.invitationsFor(seriesId);
}

Status SeriesService::revoke(const Caller& caller, int64_t seriesId, int64_t invitationId) {
  auto s = get(caller, seriesId);
  if (!s) return s.error();
  auto done = store_.revokeInvitation(seriesId, invitationId, clock_.wallMillis());
  if (!done) return done.error();
  if (!*done)
    return makeError("not_found", "series " + std::to_string(seriesId) + " has no invitation " +
                                      std::to_string(invitationId));
  return Ok{};
}

Result<OpenedInvitation> SeriesService::open(std::string_view token) {
  const auto unknown = makeError("unauthorized", "this invitation link is not valid");
  if (!looksLikeToken(token)) return unknown;
  auto inv = store_.invitationByTokenHash(tokenHash(token));
  if (!inv) return inv.error();
  if (!*inv) return unknown;
  if ((*inv)->revokedAtMs) return makeError("forbidden", "this invitation was revoked by the host");
  if ((*inv)->expiresAtMs <= clock_.wallMillis())
    return makeError("forbidden", "this invitation has expired");
  OpenedInvitation out;
  out.invitation = **inv;
  auto s = found(store_.series(out.invitation.seriesId), out.invitation.seriesId);
  if (!s) return s.error();
  out.series = std::move(*s);
  auto p = store_.person(out.invitation.personId);
  if (!p) return p.error();
  if (!*p) return makeError("not_found", "the invitee no longer exists");
  out.invitee = std::move(**p);
  out.joinUrl = joinUrl(out.series, token);
  return out;
}

Result<std::string> SeriesService::calendar(const OpenedInvitation& opened) {
  auto owner = store_.account(opened.series.ownerAccountId);
  if (!owner) return owner.error();
  if (!*owner) return makeError("not_found", "the organiser's account no longer exists");
  auto organiser = store_.person((*owner)->personId);
  if (!organiser) return organiser.error();
  IcsRequest req;
  req.series = &opened.series;
  req.organiserEmail = (*owner)->email;
  req.organiserName = *organiser ? (*organiser)->displayName : "";
  req.joinUrl = opened.joinUrl;
  req.stamp = date::floor<std::chrono::seconds>(
      date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{clock_.wallMillis()}});
  return buildSeriesIcs(req);
}

}  // namespace rounds
