// iCalendar generation with libical. Threading: see calendar_ics.hpp.
#include "services/calendar_ics.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

namespace rounds {

namespace {

using schedule::LocalTime;
using schedule::UtcTime;

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

icaltimetype localIcalTime(LocalTime t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  icaltimetype v = icaltime_null_time();
  v.year = static_cast<int>(ymd.year());
  v.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  v.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  v.hour = static_cast<int>(hms.hours().count());
  v.minute = static_cast<int>(hms.minutes().count());
  v.second = static_cast<int>(hms.seconds().count());
  v.is_date = 0;
  return v;
}

icaltimetype utcIcalTime(UtcTime t) {
  icaltimetype v = localIcalTime(LocalTime{t.time_since_epoch()});
  v.zone = icaltimezone_get_utc_timezone();
  return v;
}

// A property whose value is a local time in the organiser's zone: ";TZID=<zone>" (RFC 5545 §3.2.19).
icalproperty* withTzid(icalproperty* p, const std::string& tzid) {
  icalproperty_add_parameter(p, icalparameter_new_tzid(tzid.c_str()));
  return p;
}

// RFC 5545 §3.6.5: one STANDARD/DAYLIGHT observance per kind of transition, its first onset as
// DTSTART (local time in the offset before it) and the later ones as RDATEs.
ComponentPtr buildVtimezone(const date::time_zone* zone, UtcTime from, UtcTime to) {
  ComponentPtr tz(icalcomponent_new_vtimezone());
  const std::string name(zone->name());
  icalcomponent_add_property(tz.get(), icalproperty_new_tzid(name.c_str()));

  date::sys_info prev = zone->get_info(from);
  {
    icalcomponent* first = prev.save != std::chrono::minutes{0} ? icalcomponent_new_xdaylight()
                                                                 : icalcomponent_new_xstandard();
    const auto offset = static_cast<int>(prev.offset.count());
    icalcomponent_add_property(first, icalproperty_new_dtstart(localIcalTime(
                                          LocalTime{(from + prev.offset).time_since_epoch()})));
    icalcomponent_add_property(first, icalproperty_new_tzoffsetfrom(offset));
    icalcomponent_add_property(first, icalproperty_new_tzoffsetto(offset));
    icalcomponent_add_property(first, icalproperty_new_tzname(prev.abbrev.c_str()));
    icalcomponent_add_component(tz.get(), first);
  }

  using Key = std::tuple<bool, long, long, std::string>;  // daylight, from, to, name
  std::map<Key, icalcomponent*> observances;
  std::vector<icalcomponent*> order;
  for (UtcTime t = prev.end; t < to;) {
    const date::sys_info next = zone->get_info(t);
    if (next.offset != prev.offset || next.abbrev != prev.abbrev) {
      const bool daylight = next.save != std::chrono::minutes{0};
      const Key key{daylight, static_cast<long>(prev.offset.count()),
                    static_cast<long>(next.offset.count()), next.abbrev};
      const icaltimetype onset = localIcalTime(LocalTime{(t + prev.offset).time_since_epoch()});
      auto it = observances.find(key);
      if (it == observances.end()) {
        icalcomponent* obs = daylight ? icalcomponent_new_xdaylight() : icalcomponent_new_xstandard();
        icalcomponent_add_property(obs, icalproperty_new_dtstart(onset));
        icalcomponent_add_property(obs, icalproperty_new_tzoffsetfrom(static_cast<int>(prev.offset.count())));
        icalcomponent_add_property(obs, icalproperty_new_tzoffsetto(static_cast<int>(next.offset.count())));
        icalcomponent_add_property(obs, icalproperty_new_tzname(next.abbrev.c_str()));
        observances.emplace(key, obs);
        order.push_back(obs);
      } else {
        icaldatetimeperiodtype rdate{};
        rdate.time = onset;
        rdate.period = icalperiodtype_null_period();
        icalcomponent_add_property(it->second, icalproperty_new_rdate(rdate));
      }
    }
    prev = next;
    if (next.end <= t) break;  // defensive: the tz database always moves forward
    t = next.end;
  }
  for (icalcomponent* obs : order) icalcomponent_add_component(tz.get(), obs);
  return tz;
}

std::string rruleText(const schedule::Rule& rule) {
  // RFC 5545 §3.3.10; UNTIL is UTC because DTSTART carries a TZID: the end of the until-date.
  std::string s = "FREQ=WEEKLY;WKST=MO";
  if (rule.intervalWeeks > 1) s += ";INTERVAL=" + std::to_string(rule.intervalWeeks);
  std::string days;
  for (unsigned iso = 1; iso <= 7; ++iso) {
    const date::weekday wd{iso % 7};
    if (rule.weekdayMask & schedule::weekdayBit(wd)) {
      if (!days.empty()) days += ",";
      days += schedule::weekdayCode(wd);
    }
  }
  s += ";BYDAY=" + days;
  if (rule.count > 0) s += ";COUNT=" + std::to_string(rule.count);
  if (rule.until) {
    const LocalTime endOfDay = LocalTime{*rule.until} + std::chrono::hours{24} - std::chrono::seconds{1};
    std::string until = schedule::formatUtc(schedule::toUtc(rule.zone, endOfDay));
    until.erase(std::remove(until.begin(), until.end(), '-'), until.end());
    until.erase(std::remove(until.begin(), until.end(), ':'), until.end());
    s += ";UNTIL=" + until;
  }
  return s;
}

icalcomponent* newEvent(const IcsRequest& req, const std::string& uid) {
  const SeriesRecord& s = *req.series;
  icalcomponent* ev = icalcomponent_new_vevent();
  icalcomponent_add_property(ev, icalproperty_new_uid(uid.c_str()));
  icalcomponent_add_property(ev, icalproperty_new_dtstamp(utcIcalTime(req.stamp)));
  icalcomponent_add_property(ev, icalproperty_new_summary(s.title.c_str()));
  icalproperty* org = icalproperty_new_organizer(("mailto:" + req.organiserEmail).c_str());
  if (!req.organiserName.empty())
    icalproperty_add_parameter(org, icalparameter_new_cn(req.organiserName.c_str()));
  icalcomponent_add_property(ev, org);
  icalcomponent_add_property(ev, icalproperty_new_url(req.joinUrl.c_str()));
  icalcomponent_add_property(
      ev, icalproperty_new_description(("Join the video conference: " + req.joinUrl).c_str()));
  icalcomponent_add_property(ev, icalproperty_new_location(req.joinUrl.c_str()));
  return ev;
}

std::string errorsOf(icalcomponent* c) {
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
    return icalproperty_get_xlicerror(p);
  }
  for (icalcomponent* sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
       sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    std::string e = errorsOf(sub);
    if (!e.empty()) return e;
  }
  return {};
}

}  // namespace

Result<std::string> buildSeriesIcs(const IcsRequest& req) {
  if (!req.series) return makeError("internal", "no series");
  const SeriesRecord& s = *req.series;
  auto rule = schedule::ruleOf(s);
  if (!rule) return rule.error();
  auto exceptions = schedule::exceptionsOf(s);
  if (!exceptions) return exceptions.error();
  const std::string tzid(rule->zone->name());
  const std::string uid = s.uid + "@rounds";

  // The VTIMEZONE covers a year either side of every time the file mentions.
  LocalTime first = rule->start, last = schedule::lastOriginal(*rule).value_or(
                                     rule->start + date::years{schedule::kMaxSeriesYears});
  for (const auto& ex : *exceptions) {
    if (ex.cancelled) continue;
    first = std::min(first, ex.newStart);
    last = std::max(last, ex.newStart);
  }
  const UtcTime tzFrom = schedule::toUtc(rule->zone, first) - date::days{366};
  const UtcTime tzTo = schedule::toUtc(rule->zone, last) + date::days{366};

  ComponentPtr cal(icalcomponent_new_vcalendar());
  icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal.get(), icalproperty_new_prodid("-//Rounds//Clinical exchange//EN"));
  icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(cal.get(), icalproperty_new_method(ICAL_METHOD_PUBLISH));
  icalcomponent_add_component(cal.get(), buildVtimezone(rule->zone, tzFrom, tzTo).release());

  const auto duration = icaldurationtype_from_int(s.durationMinutes * 60);
  icalcomponent* master = newEvent(req, uid);
  LocalTime masterStart = rule->start;
  bool oneOffCancelled = false;
  if (!rule->weekly && !exceptions->empty()) {
    // A one-off has no recurrence set to except from: its single VEVENT moves or is cancelled.
    const auto& ex = exceptions->front();
    if (ex.cancelled) oneOffCancelled = true;
    else masterStart = ex.newStart;
  }
  icalcomponent_add_property(master, withTzid(icalproperty_new_dtstart(localIcalTime(masterStart)), tzid));
  icalcomponent_add_property(master, icalproperty_new_duration(duration));
  if (oneOffCancelled) icalcomponent_add_property(master, icalproperty_new_status(ICAL_STATUS_CANCELLED));
  if (rule->weekly) {
    const std::string rr = rruleText(*rule);
    icalrecurrencetype recur = icalrecurrencetype_from_string(rr.c_str());
    if (recur.freq == ICAL_NO_RECURRENCE) {
      icalcomponent_free(master);
      return makeError("internal", "libical rejected RRULE " + rr);
    }
    icalcomponent_add_property(master, icalproperty_new_rrule(recur));
    for (const auto& ex : *exceptions) {
      if (!ex.cancelled) continue;
      // RFC 5545 §3.8.5.1: same value type and TZID as DTSTART.
      icalcomponent_add_property(master, withTzid(icalproperty_new_exdate(localIcalTime(ex.original)), tzid));
    }
  }
  icalcomponent_add_component(cal.get(), master);

  if (rule->weekly) {
    for (const auto& ex : *exceptions) {
      if (ex.cancelled) continue;
      // RFC 5545 §3.8.4.4: an instance overridden by a VEVENT with the same UID.
      icalcomponent* moved = newEvent(req, uid);
      icalcomponent_add_property(moved, withTzid(icalproperty_new_recurrenceid(localIcalTime(ex.original)), tzid));
      icalcomponent_add_property(moved, withTzid(icalproperty_new_dtstart(localIcalTime(ex.newStart)), tzid));
      const int minutes = ex.newDuration.count() > 0 ? static_cast<int>(ex.newDuration.count())
                                                     : s.durationMinutes;
      icalcomponent_add_property(moved, icalproperty_new_duration(icaldurationtype_from_int(minutes * 60)));
      icalcomponent_add_component(cal.get(), moved);
    }
  }

  char* raw = icalcomponent_as_ical_string_r(cal.get());
  if (!raw) return makeError("internal", "libical could not serialise the calendar");
  std::string text(raw);
  icalmemory_free_buffer(raw);
  if (auto ok = checkIcs(text); !ok) return ok.error();
  return text;
}

Status checkIcs(const std::string& text) {
  ComponentPtr parsed(icalparser_parse_string(text.c_str()));
  if (!parsed) return makeError("invalid_ics", "libical could not parse the calendar");
  if (icalcomponent_isa(parsed.get()) != ICAL_VCALENDAR_COMPONENT)
    return makeError("invalid_ics", "not a VCALENDAR");
  std::string parseError = errorsOf(parsed.get());
  if (!parseError.empty()) return makeError("invalid_ics", parseError);
  if (!icalrestriction_check(parsed.get())) {
    std::string e = errorsOf(parsed.get());
    return makeError("invalid_ics", e.empty() ? "restriction check failed" : e);
  }
  return Ok{};
}

}  // namespace rounds
