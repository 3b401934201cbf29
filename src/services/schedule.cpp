// Time zones and recurrence expansion. Threading: see schedule.hpp.
#include "services/schedule.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <functional>

namespace rounds::schedule {

namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `n` decimal digits at s[pos]; -1 if they are not digits.
int digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<date::local_days> dateAt(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 1900 || y > 2199 || m < 1 || d < 1) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::local_days{ymd};
}

// "THH:MM[:SS]" at s[10]; returns the time of day and how many characters it used.
std::optional<std::pair<seconds, size_t>> timeAt(std::string_view s) {
  if (s.size() < 16 || s[10] != 'T' || s[13] != ':') return std::nullopt;
  int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = 0;
  size_t used = 16;
  if (s.size() >= 19 && s[16] == ':') {
    sec = digits(s, 17, 2);
    used = 19;
  }
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return std::nullopt;
  return std::make_pair(seconds{h * 3600 + mi * 60 + sec}, used);
}

// Walks the rule's original starts in order; `visit` returns false to stop. Also stops after
// `limit` (local) and at the rule's own end.
void forEachOriginal(const Rule& rule, LocalTime limit, const std::function<bool(LocalTime)>& visit) {
  const auto startDay = date::floor<date::days>(rule.start);
  const auto timeOfDay = rule.start - startDay;
  if (!rule.weekly) {
    if (rule.start <= limit) visit(rule.start);
    return;
  }
  const unsigned iso = date::weekday{startDay}.iso_encoding();  // Monday 1 ... Sunday 7
  const auto weekOrigin = startDay - date::days{iso - 1};        // WKST=MO
  const auto lastDay =
      startDay + date::days{366 * kMaxSeriesYears + 7 * std::max(rule.intervalWeeks, 1)};
  int produced = 0;
  for (auto d = startDay; d <= lastDay; d += date::days{1}) {
    if (rule.until && d > *rule.until) return;
    const LocalTime at = d + timeOfDay;
    if (at > limit) return;
    const auto week = (d - weekOrigin).count() / 7;
    if (week % std::max(rule.intervalWeeks, 1) != 0) {
      d += date::days{6 - (d - weekOrigin).count() % 7};  // skip to the end of this week
      continue;
    }
    if (!(rule.weekdayMask & weekdayBit(date::weekday{d}))) continue;
    if (!visit(at)) return;
    if (rule.count > 0 && ++produced >= rule.count) return;
  }
}

const Exception* findException(const std::vector<Exception>& exceptions, LocalTime original) {
  for (const auto& e : exceptions)
    if (e.original == original) return &e;
  return nullptr;
}

std::string twoDigits(long v) {
  char buf[24];  // room for any long, so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%02ld", v);
  return buf;
}

}  // namespace

const date::time_zone* findZone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;  // date/tz reports an unknown zone by throwing std::runtime_error
  }
}

std::optional<LocalTime> parseLocalDateTime(std::string_view s) {
  auto day = dateAt(s);
  auto tod = timeAt(s);
  if (!day || !tod || tod->second != s.size()) return std::nullopt;
  return LocalTime{*day} + tod->first;
}

std::optional<date::local_days> parseLocalDate(std::string_view s) {
  if (s.size() != 10) return std::nullopt;
  return dateAt(s);
}

std::optional<UtcTime> parseInstant(std::string_view s, const date::time_zone* zoneForDates) {
  if (s.size() == 10) {
    auto day = dateAt(s);
    if (!day || !zoneForDates) return std::nullopt;
    return toUtc(zoneForDates, LocalTime{*day});
  }
  auto day = dateAt(s);
  auto tod = timeAt(s);
  if (!day || !tod) return std::nullopt;
  std::string_view rest = s.substr(tod->second);
  seconds offset{0};
  if (rest == "Z" || rest == "z") {
    offset = seconds{0};
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int h = digits(rest, 1, 2), m = digits(rest, 4, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
    offset = seconds{(h * 60 + m) * 60} * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  // RFC 3339 §4.2: local time = UTC + offset.
  return UtcTime{(LocalTime{*day} + tod->first).time_since_epoch() - offset};
}

std::string formatLocal(LocalTime t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> hms{t - day};
  char buf[96];  // sized for the widest values of each field, not only real dates
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

std::string formatDate(date::local_days d) { return formatLocal(LocalTime{d}).substr(0, 10); }

std::string formatUtc(UtcTime t) { return formatLocal(LocalTime{t.time_since_epoch()}) + "Z"; }

ZonedView view(UtcTime t, const date::time_zone* zone) {
  const date::sys_info info = zone->get_info(t);
  const long offMin = static_cast<long>(date::floor<minutes>(info.offset).count());
  const long absMin = offMin < 0 ? -offMin : offMin;
  ZonedView v;
  v.local = formatLocal(LocalTime{(t + info.offset).time_since_epoch()}) +
            (offMin < 0 ? "-" : "+") + twoDigits(absMin / 60) + ":" + twoDigits(absMin % 60);
  v.timeZone = std::string(zone->name());
  v.abbreviation = info.abbrev;
  v.offsetMinutes = static_cast<int>(offMin);
  return v;
}

UtcTime toUtc(const date::time_zone* zone, LocalTime local) {
  const date::local_info info = zone->get_info(local);
  // unique and ambiguous: `first` is the (earlier) interpretation; nonexistent: `first` is the
  // offset in force before the gap — RFC 5545 §3.3.5 wants exactly that in both cases.
  return UtcTime{local.time_since_epoch() - info.first.offset};
}

const char* toString(OccurrenceStatus s) {
  switch (s) {
    case OccurrenceStatus::kScheduled: return "scheduled";
    case OccurrenceStatus::kMoved: return "moved";
    case OccurrenceStatus::kCancelled: return "cancelled";
  }
  return "scheduled";
}

int weekdayBit(date::weekday wd) { return 1 << (wd.iso_encoding() - 1); }

namespace {
constexpr const char* kWeekdayCodes[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
}

std::optional<date::weekday> parseWeekday(std::string_view s) {
  for (unsigned i = 0; i < 7; ++i)
    if (s == kWeekdayCodes[i]) return date::weekday{(i + 1) % 7};  // weekday{0} is Sunday
  return std::nullopt;
}

const char* weekdayCode(date::weekday wd) { return kWeekdayCodes[wd.iso_encoding() - 1]; }

bool isOriginal(const Rule& rule, LocalTime local) {
  bool found = false;
  forEachOriginal(rule, local, [&](LocalTime at) {
    if (at == local) found = true;
    return !found;
  });
  return found;
}

std::optional<LocalTime> lastOriginal(const Rule& rule) {
  if (rule.weekly && !rule.until && rule.count == 0) return std::nullopt;
  std::optional<LocalTime> last;
  forEachOriginal(rule, LocalTime::max(), [&](LocalTime at) {
    last = at;
    return true;
  });
  return last;
}

std::vector<Occurrence> expand(const Rule& rule, const std::vector<Exception>& exceptions,
                               UtcTime from, UtcTime to) {
  std::vector<Occurrence> out;
  if (to <= from) return out;
  // No zone is more than a day from UTC, so this local limit covers every start before `to`.
  const LocalTime limit{to.time_since_epoch() + date::days{2}};
  const minutes duration = rule.duration;
  forEachOriginal(rule, limit, [&](LocalTime at) {
    const Exception* ex = findException(exceptions, at);
    if (ex && !ex->cancelled) return true;  // moved: placed below by its new start
    Occurrence o;
    o.original = at;
    o.localStart = at;
    o.start = toUtc(rule.zone, at);
    o.end = o.start + duration;
    o.status = ex ? OccurrenceStatus::kCancelled : OccurrenceStatus::kScheduled;
    if (o.start >= from && o.start < to) out.push_back(o);
    return out.size() < kMaxOccurrencesPerQuery * 2;
  });
  for (const auto& ex : exceptions) {
    if (ex.cancelled || !isOriginal(rule, ex.original)) continue;
    Occurrence o;
    o.original = ex.original;
    o.localStart = ex.newStart;
    o.start = toUtc(rule.zone, ex.newStart);
    o.end = o.start + (ex.newDuration.count() > 0 ? ex.newDuration : duration);
    o.status = OccurrenceStatus::kMoved;
    if (o.start >= from && o.start < to) out.push_back(o);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Occurrence& a, const Occurrence& b) { return a.start < b.start; });
  if (out.size() > kMaxOccurrencesPerQuery) out.resize(kMaxOccurrencesPerQuery);
  return out;
}

Result<Rule> ruleOf(const SeriesRecord& s) {
  Rule r;
  r.zone = findZone(s.timeZone);
  if (!r.zone) return makeError("store", "series " + std::to_string(s.id) + ": unknown zone");
  auto start = parseLocalDateTime(s.startLocal);
  if (!start) return makeError("store", "series " + std::to_string(s.id) + ": bad start");
  r.start = *start;
  r.duration = minutes{s.durationMinutes};
  r.weekly = s.frequency == "weekly";
  r.intervalWeeks = std::max(s.intervalWeeks, 1);
  r.weekdayMask = s.weekdayMask;
  if (!s.untilLocalDate.empty()) {
    r.until = parseLocalDate(s.untilLocalDate);
    if (!r.until) return makeError("store", "series " + std::to_string(s.id) + ": bad until");
  }
  r.count = s.count;
  return r;
}

Result<std::vector<Exception>> exceptionsOf(const SeriesRecord& s) {
  std::vector<Exception> out;
  for (const auto& e : s.exceptions) {
    Exception x;
    auto original = parseLocalDateTime(e.originalLocal);
    if (!original) return makeError("store", "series " + std::to_string(s.id) + ": bad exception");
    x.original = *original;
    x.cancelled = e.kind == "cancelled";
    if (!x.cancelled) {
      auto moved = parseLocalDateTime(e.newStartLocal);
      if (!moved) return makeError("store", "series " + std::to_string(s.id) + ": bad move");
      x.newStart = *moved;
      x.newDuration = minutes{e.newDurationMinutes};
    }
    out.push_back(x);
  }
  return out;
}

}  // namespace rounds::schedule
