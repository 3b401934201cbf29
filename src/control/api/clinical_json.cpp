// JSON shapes of the clinical API. Threading: see clinical_json.hpp.
#include "control/api/clinical_json.hpp"

namespace rounds::api {

using nlohmann::json;

namespace {
json optId(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }
}  // namespace

std::string utcMs(int64_t ms) {
  return schedule::formatUtc(schedule::UtcTime{std::chrono::seconds{ms / 1000}});
}

json toJson(const OrganisationRecord& o) {
  return json{{"id", o.id}, {"name", o.name}, {"country", o.country}, {"kind", o.kind}};
}

json toJson(const PersonRecord& p) {
  return json{{"id", p.id},
              {"displayName", p.displayName},
              {"organisationId", optId(p.organisationId)},
              {"country", p.country},
              {"discipline", p.discipline},
              {"language", p.language},
              {"timeZone", p.timeZone},
              {"email", p.email}};
}

static json weekdaysJson(int mask) {
  json out = json::array();
  for (unsigned iso = 1; iso <= 7; ++iso) {
    const date::weekday wd{iso % 7};
    if (mask & schedule::weekdayBit(wd)) out.push_back(schedule::weekdayCode(wd));
  }
  return out;
}

json toJson(const SeriesRecord& s) {
  json ex = json::array();
  for (const auto& e : s.exceptions) {
    json j{{"originalStart", e.originalLocal}, {"status", e.kind}};
    if (e.kind == "moved") {
      j["newStart"] = e.newStartLocal;
      j["durationMinutes"] = e.newDurationMinutes > 0 ? e.newDurationMinutes : s.durationMinutes;
    }
    ex.push_back(j);
  }
  json rec{{"frequency", s.frequency}};
  if (s.frequency == "weekly") {
    rec["intervalWeeks"] = s.intervalWeeks;
    rec["weekdays"] = weekdaysJson(s.weekdayMask);
    rec["until"] = s.untilLocalDate.empty() ? json(nullptr) : json(s.untilLocalDate);
    rec["count"] = s.count > 0 ? json(s.count) : json(nullptr);
  }
  return json{{"id", s.id},
              {"uid", s.uid},
              {"title", s.title},
              {"timeZone", s.timeZone},
              {"start", s.startLocal},
              {"startUtc", utcMs(s.startUtcMs)},
              {"durationMinutes", s.durationMinutes},
              {"recurrence", rec},
              {"exceptions", ex},
              {"room", SeriesService::roomOf(s)}};
}

static json zoned(schedule::UtcTime t, const date::time_zone* zone) {
  auto v = schedule::view(t, zone);
  return json{{"local", v.local}, {"timeZone", v.timeZone}, {"abbreviation", v.abbreviation}};
}

json occurrencesJson(const std::vector<schedule::Occurrence>& occ, const date::time_zone* viewer,
                     const date::time_zone* organiser) {
  json out = json::array();
  for (const auto& o : occ) {
    out.push_back(json{{"originalStart", schedule::formatLocal(o.original)},
                       {"status", schedule::toString(o.status)},
                       {"startUtc", schedule::formatUtc(o.start)},
                       {"endUtc", schedule::formatUtc(o.end)},
                       {"start", zoned(o.start, viewer)},
                       {"end", zoned(o.end, viewer)},
                       {"organiserStart", zoned(o.start, organiser)}});
  }
  return out;
}

json invitationJson(const InvitationRecord& i, int64_t nowMs) {
  const char* state = i.revokedAtMs ? "revoked" : (i.expiresAtMs <= nowMs ? "expired" : "active");
  return json{{"id", i.id},
              {"seriesId", i.seriesId},
              {"personId", i.personId},
              {"createdAt", utcMs(i.createdAtMs)},
              {"expiresAt", utcMs(i.expiresAtMs)},
              {"state", state}};
}

Result<NewSeries> readSeries(const json& b) {
  NewSeries in;
  auto title = reqString(b, "title");
  if (!title) return title.error();
  in.title = *title;
  auto tz = reqString(b, "timeZone");
  if (!tz) return tz.error();
  in.timeZone = *tz;
  auto start = reqString(b, "start");
  if (!start) return start.error();
  in.start = *start;
  auto dur = reqInt(b, "durationMinutes");
  if (!dur) return dur.error();
  if (*dur < 1 || *dur > 24 * 60)
    return makeError("invalid_field", "durationMinutes: must be between 1 and 1440");
  in.durationMinutes = static_cast<int>(*dur);
  if (auto it = b.find("recurrence"); it != b.end() && !it->is_null()) {
    if (!it->is_object()) return makeError("invalid_field", "recurrence: must be an object");
    const json& r = *it;
    auto freq = reqString(r, "frequency", "recurrence");
    if (!freq) return freq.error();
    in.frequency = *freq;
    auto interval = optInt(r, "intervalWeeks", "recurrence");
    if (!interval) return interval.error();
    if (*interval && (**interval < 1 || **interval > 52))
      return makeError("invalid_field", "recurrence.intervalWeeks: must be between 1 and 52");
    in.intervalWeeks = interval->value_or(1);
    if (auto wd = r.find("weekdays"); wd != r.end() && !wd->is_null()) {
      if (!wd->is_array() || wd->size() > 7)
        return makeError("invalid_field",
                         "recurrence.weekdays: must be an array of up to 7 of MO..SU");
      for (const auto& d : *wd) {
        if (!d.is_string())
          return makeError("invalid_field", "recurrence.weekdays: must hold strings");
        in.weekdays.push_back(d.get<std::string>());
      }
    }
    auto until = optString(r, "until", "recurrence");
    if (!until) return until.error();
    in.until = until->value_or("");
    auto count = optInt(r, "count", "recurrence");
    if (!count) return count.error();
    if (*count && (**count < 1 || **count > schedule::kMaxCount))
      return makeError("invalid_field", "recurrence.count: must be between 1 and 500");
    in.count = static_cast<int>(count->value_or(0));
  }
  if (auto it = b.find("exceptions"); it != b.end() && !it->is_null()) {
    if (!it->is_array()) return makeError("invalid_field", "exceptions: must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      const std::string path = "exceptions[" + std::to_string(i) + "]";
      if (!e.is_object()) return makeError("invalid_field", path + ": must be an object");
      ExceptionInput x;
      auto orig = reqString(e, "originalStart", path);
      if (!orig) return orig.error();
      x.originalStart = *orig;
      auto action = reqString(e, "action", path);
      if (!action) return action.error();
      x.action = *action;
      auto ns = optString(e, "newStart", path);
      if (!ns) return ns.error();
      x.newStart = ns->value_or("");
      auto d = optInt(e, "durationMinutes", path);
      if (!d) return d.error();
      if (*d && (**d < 1 || **d > 24 * 60))
        return makeError("invalid_field", path + ".durationMinutes: must be between 1 and 1440");
      x.durationMinutes = static_cast<int>(d->value_or(0));
      in.exceptions.push_back(std::move(x));
    }
  }
  return in;
}

Result<PersonRecord> readPerson(const json& b, bool countryOptional) {
  PersonRecord p;
  auto name = reqString(b, "displayName");
  if (!name) return name.error();
  p.displayName = *name;
  auto org = optInt(b, "organisationId");
  if (!org) return org.error();
  p.organisationId = *org;
  auto country = optString(b, "country");
  if (!country) return country.error();
  if (!*country && !countryOptional) return makeError("invalid_field", "country: is required");
  p.country = country->value_or("");
  for (auto [field, target] : {std::pair{"discipline", &p.discipline},
                               {"language", &p.language},
                               {"timeZone", &p.timeZone}}) {
    auto v = reqString(b, field);
    if (!v) return v.error();
    *target = *v;
  }
  auto email = optString(b, "email");
  if (!email) return email.error();
  p.email = email->value_or("");
  return p;
}

Result<Window> readWindow(const HttpRequest& req, const std::string& defaultZone, int64_t nowMs) {
  Window w{};
  auto q = [&](const char* k) -> std::optional<std::string> {
    auto it = req.query.find(k);
    if (it == req.query.end()) return std::nullopt;
    return it->second;
  };
  const std::string tz = q("tz").value_or(defaultZone);
  w.zone = schedule::findZone(tz);
  if (!w.zone)
    return makeError("invalid_field", "tz: '" + tz.substr(0, 64) + "' is not an IANA time zone");
  const schedule::UtcTime now{std::chrono::seconds{nowMs / 1000}};
  w.from = now;
  if (auto f = q("from")) {
    auto t = schedule::parseInstant(*f, w.zone);
    if (!t)
      return makeError("invalid_field",
                       "from: must be YYYY-MM-DD or an RFC 3339 time with Z or an offset");
    w.from = *t;
  }
  w.to = w.from + date::days{90};
  if (auto f = q("to")) {
    auto t = schedule::parseInstant(*f, w.zone);
    if (!t)
      return makeError("invalid_field",
                       "to: must be YYYY-MM-DD or an RFC 3339 time with Z or an offset");
    w.to = *t;
  }
  if (w.to <= w.from) return makeError("invalid_field", "to: must be after from");
  if (w.to - w.from > date::days{400})
    return makeError("invalid_field", "to: at most 400 days after from");
  return w;
}

std::pair<std::string, std::string> head(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return {s, ""};
  return {s.substr(0, slash), s.substr(slash + 1)};
}

bool startsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

HttpResponse notFound(const HttpRequest& req) {
  return errorResponse(404, "not_found", "no API endpoint at " + req.path);
}

HttpResponse noContent() {
  HttpResponse r;
  r.status = 204;
  r.contentType.clear();
  r.headers["Cache-Control"] = "no-store";
  return r;
}

json delegationJson(const DelegationRecord& d, int64_t nowMs) {
  const char* state = d.revokedAtMs ? "revoked" : (d.expiresAtMs <= nowMs ? "expired" : "active");
  return json{{"id", d.id},
              {"seriesId", d.seriesId},
              {"coordinatorPersonId", d.coordinatorPersonId},
              {"quota", d.quota},
              {"used", d.used},
              {"remaining", d.quota > d.used ? d.quota - d.used : 0},
              {"createdAt", utcMs(d.createdAtMs)},
              {"expiresAt", utcMs(d.expiresAtMs)},
              {"state", state}};
}

Result<std::optional<int64_t>> readExpiresAt(const json& obj, const std::string& path) {
  auto exp = optString(obj, "expiresAt", path);
  if (!exp) return exp.error();
  if (!*exp) return std::optional<int64_t>{};
  const std::string name = path.empty() ? "expiresAt" : path + ".expiresAt";
  auto t = schedule::parseInstant(**exp, nullptr);
  if (!t)
    return makeError("invalid_field", name + ": must be an RFC 3339 time with Z or an offset");
  return std::optional<int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count());
}

json occurrencesResponse(const SeriesRecord& s, const Window& w,
                         const std::vector<schedule::Occurrence>& occ) {
  return json{{"seriesId", s.id},
              {"title", s.title},
              {"timeZone", std::string(w.zone->name())},
              {"organiserTimeZone", s.timeZone},
              {"from", schedule::formatUtc(w.from)},
              {"to", schedule::formatUtc(w.to)},
              {"occurrences", occurrencesJson(occ, w.zone, schedule::findZone(s.timeZone))}};
}

}  // namespace rounds::api
