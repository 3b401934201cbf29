// Schedule: local date-times in IANA zones (Howard Hinnant's date/tz on the system tz database),
// and the expansion of a series' recurrence (one-off or weekly) into occurrences with their
// cancelled and moved exceptions. Semantics follow RFC 5545 so that our occurrences and the .ics
// a calendar program expands agree: §3.3.5 (local times in gaps and overlaps), §3.3.10 (RRULE
// WEEKLY with INTERVAL, BYDAY, UNTIL, COUNT; COUNT counts excluded instances too), §3.8.5.1 EXDATE.
// Threading: pure functions; the tz database is loaded once, thread-safely, by date/tz.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/clinical_records.hpp"

namespace rounds::schedule {

using LocalTime = date::local_seconds;
using UtcTime = date::sys_seconds;

// nullptr if `name` is not a zone (or link) of the tz database.
const date::time_zone* findZone(std::string_view name);

// "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", years 1900-2199.
std::optional<LocalTime> parseLocalDateTime(std::string_view s);
// "YYYY-MM-DD".
std::optional<date::local_days> parseLocalDate(std::string_view s);
// An instant: "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or "+HH:MM"/"-HH:MM"; or a bare date, which
// means midnight of that date in `zoneForDates`.
std::optional<UtcTime> parseInstant(std::string_view s, const date::time_zone* zoneForDates);

std::string formatLocal(LocalTime t);  // "YYYY-MM-DDTHH:MM:SS"
std::string formatDate(date::local_days d);  // "YYYY-MM-DD"
std::string formatUtc(UtcTime t);      // "YYYY-MM-DDTHH:MM:SSZ"

// A UTC instant as seen in a zone.
struct ZonedView {
  std::string local;         // "2026-10-19T21:00:00-04:00" (RFC 3339 with the zone's offset)
  std::string timeZone;      // "America/New_York"
  std::string abbreviation;  // "EDT"
  int offsetMinutes = 0;
};
ZonedView view(UtcTime t, const date::time_zone* zone);

// Local wall time to UTC per RFC 5545 §3.3.5: a time in a gap (spring forward) is read with the
// offset before the gap (02:30 becomes 03:30 daylight); a repeated time (fall back) is the first.
UtcTime toUtc(const date::time_zone* zone, LocalTime local);

// The recurrence of a series, in the organiser's zone.
struct Rule {
  const date::time_zone* zone = nullptr;
  LocalTime start{};
  std::chrono::minutes duration{60};
  bool weekly = false;       // false: one occurrence at `start`
  int intervalWeeks = 1;     // RRULE INTERVAL, weeks counted from the week of `start` (WKST=MO)
  int weekdayMask = 0;       // bit 0 Monday ... bit 6 Sunday
  std::optional<date::local_days> until;  // inclusive, local date
  int count = 0;                          // 0 = unlimited
};

struct Exception {
  LocalTime original{};
  bool cancelled = false;
  LocalTime newStart{};  // moved only
  std::chrono::minutes newDuration{0};
};

enum class OccurrenceStatus { kScheduled, kMoved, kCancelled };
const char* toString(OccurrenceStatus s);

struct Occurrence {
  LocalTime original{};   // the rule's local start (RECURRENCE-ID)
  LocalTime localStart{}; // in the organiser's zone, after a move
  UtcTime start{};
  UtcTime end{};
  OccurrenceStatus status = OccurrenceStatus::kScheduled;
};

constexpr int kMaxCount = 500;
constexpr int kMaxSeriesYears = 10;
constexpr size_t kMaxOccurrencesPerQuery = 1000;

// Bit for a weekday in Rule::weekdayMask.
int weekdayBit(date::weekday wd);
// "MO".."SU" (RFC 5545 §3.3.10 weekday) to a weekday; nullopt otherwise.
std::optional<date::weekday> parseWeekday(std::string_view s);
const char* weekdayCode(date::weekday wd);

// Is `local` one of the rule's own starts (ignoring exceptions)?
bool isOriginal(const Rule& rule, LocalTime local);
// The last original start, or nullopt if the rule is unbounded.
std::optional<LocalTime> lastOriginal(const Rule& rule);

// Occurrences starting in [from, to), including cancelled ones (status kCancelled) and moved ones
// whose new start falls in the range; ordered by start, at most kMaxOccurrencesPerQuery.
std::vector<Occurrence> expand(const Rule& rule, const std::vector<Exception>& exceptions,
                               UtcTime from, UtcTime to);

// The rule and exceptions of a stored series (validated again: a stored row is not trusted).
Result<Rule> ruleOf(const SeriesRecord& series);
Result<std::vector<Exception>> exceptionsOf(const SeriesRecord& series);

}  // namespace rounds::schedule
