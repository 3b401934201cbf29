// Tests for the .ics builder: it parses back with libical, passes its RFC 5546 restriction check,
// and carries VTIMEZONE, DTSTART;TZID, RRULE, EXDATE and RECURRENCE-ID as the series says.
// Threading: single-threaded.
#include "services/calendar_ics.hpp"

#include <gtest/gtest.h>
#include <libical/ical.h>

namespace rounds {
namespace {

SeriesRecord weeklyShanghai() {
  SeriesRecord s;
  s.id = 7;
  s.uid = "abcDEF123";
  s.title = "ICU rounds: critically ill patients";
  s.timeZone = "Asia/Shanghai";
  s.startLocal = "2026-10-20T09:00:00";
  s.durationMinutes = 90;
  s.frequency = "weekly";
  s.intervalWeeks = 2;
  s.weekdayMask = schedule::weekdayBit(date::Tuesday) | schedule::weekdayBit(date::Thursday);
  s.untilLocalDate = "2027-03-31";
  s.exceptions = {{"2026-11-03T09:00:00", "cancelled", "", 0},
                  {"2026-11-05T09:00:00", "moved", "2026-11-06T15:00:00", 60}};
  return s;
}

IcsRequest requestFor(const SeriesRecord& s) {
  IcsRequest r;
  r.series = &s;
  r.organiserName = "Dr Li";
  r.organiserEmail = "li@hospital.cn";
  r.joinUrl = "https://rounds.example/r/series-7?invite=tok";
  r.stamp = schedule::UtcTime{std::chrono::seconds{1'790'000'000}};
  return r;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(CalendarIcs, WeeklySeriesWithExceptionsParsesAndValidates) {
  auto s = weeklyShanghai();
  auto ics = buildSeriesIcs(requestFor(s));
  ASSERT_TRUE(ics.ok()) << ics.error().message;
  const std::string& t = *ics;
  EXPECT_TRUE(checkIcs(t).ok());
  EXPECT_TRUE(contains(t, "METHOD:PUBLISH\r\n"));
  EXPECT_TRUE(contains(t, "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"));
  EXPECT_TRUE(contains(t, "TZOFFSETTO:+0800"));
  EXPECT_TRUE(contains(t, "DTSTART;TZID=Asia/Shanghai:20261020T090000"));
  EXPECT_TRUE(contains(t, "RRULE:FREQ=WEEKLY;UNTIL=20270331T155959Z;INTERVAL=2;"));
  EXPECT_TRUE(contains(t, "BYDAY=TU,TH"));
  EXPECT_TRUE(contains(t, "EXDATE;TZID=Asia/Shanghai:20261103T090000"));
  EXPECT_TRUE(contains(t, "RECURRENCE-ID;TZID=Asia/Shanghai:20261105T090000"));
  EXPECT_TRUE(contains(t, "DTSTART;TZID=Asia/Shanghai:20261106T150000"));
  EXPECT_TRUE(contains(t, "UID:abcDEF123@rounds"));
  EXPECT_TRUE(contains(t, "URL:https://rounds.example/r/series-7?invite=tok"));

  // libical expands the rule to the same instants our own expansion gives.
  icalcomponent* cal = icalparser_parse_string(t.c_str());
  ASSERT_NE(cal, nullptr);
  icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 2);
  icalproperty* rrule = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
  ASSERT_NE(rrule, nullptr);
  icalrecurrencetype recur = icalproperty_get_rrule(rrule);
  icaltimetype start = icalcomponent_get_dtstart(ev);
  icalrecur_iterator* it = icalrecur_iterator_new(recur, start);
  ASSERT_NE(it, nullptr);
  int n = 0;
  std::string second;
  for (icaltimetype next = icalrecur_iterator_next(it); !icaltime_is_null_time(next);
       next = icalrecur_iterator_next(it)) {
    if (n == 1) second = icaltime_as_ical_string(next);
    ++n;
  }
  icalrecur_iterator_free(it);
  icalcomponent_free(cal);
  EXPECT_EQ(second, "20261022T090000");
  auto rule = schedule::ruleOf(s);
  ASSERT_TRUE(rule.ok());
  auto ours = schedule::expand(*rule, {}, schedule::UtcTime{}, schedule::UtcTime{date::years{100}});
  EXPECT_EQ(static_cast<size_t>(n), ours.size());
}

TEST(CalendarIcs, LondonVtimezoneHasBothObservances) {
  SeriesRecord s = weeklyShanghai();
  s.timeZone = "Europe/London";
  s.startLocal = "2027-03-18T14:00:00";
  s.weekdayMask = schedule::weekdayBit(date::Thursday);
  s.untilLocalDate = "";
  s.count = 6;
  s.intervalWeeks = 1;
  s.exceptions.clear();
  auto ics = buildSeriesIcs(requestFor(s));
  ASSERT_TRUE(ics.ok()) << ics.error().message;
  EXPECT_TRUE(contains(*ics, "BEGIN:DAYLIGHT"));
  EXPECT_TRUE(contains(*ics, "TZNAME:BST"));
  EXPECT_TRUE(contains(*ics, "TZNAME:GMT"));
  EXPECT_TRUE(contains(*ics, "RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=TH;WKST=MO") ||
              contains(*ics, "COUNT=6"));
  EXPECT_TRUE(checkIcs(*ics).ok());
}

TEST(CalendarIcs, OneOffCancelledIsMarkedCancelled) {
  SeriesRecord s = weeklyShanghai();
  s.frequency = "once";
  s.weekdayMask = 0;
  s.untilLocalDate = "";
  s.exceptions = {{"2026-10-20T09:00:00", "cancelled", "", 0}};
  auto ics = buildSeriesIcs(requestFor(s));
  ASSERT_TRUE(ics.ok()) << ics.error().message;
  EXPECT_FALSE(contains(*ics, "RRULE"));
  EXPECT_TRUE(contains(*ics, "STATUS:CANCELLED"));
}

TEST(CalendarIcs, CheckRejectsGarbageAndMissingRequiredProperties) {
  EXPECT_FALSE(checkIcs("").ok());
  EXPECT_FALSE(checkIcs("hello").ok());
  // PUBLISH without ORGANIZER and UID breaks RFC 5546 §3.2.1.
  const std::string bad =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:PUBLISH\r\n"
      "BEGIN:VEVENT\r\nDTSTART:20261020T010000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  EXPECT_FALSE(checkIcs(bad).ok());
}

}  // namespace
}  // namespace rounds

namespace rounds {
namespace {

// The VTIMEZONE we write, read back by libical, converts local times to UTC the way the tz
// database does on both sides of a daylight-saving change (America/New_York, 14 March 2027).
TEST(CalendarIcs, VtimezoneParsedByLibicalConvertsAcrossDst) {
  SeriesRecord s = weeklyShanghai();
  s.timeZone = "America/New_York";
  s.startLocal = "2027-03-02T08:00:00";
  s.weekdayMask = schedule::weekdayBit(date::Tuesday);
  s.untilLocalDate = "";
  s.count = 4;
  s.intervalWeeks = 1;
  s.exceptions.clear();
  auto ics = buildSeriesIcs(requestFor(s));
  ASSERT_TRUE(ics.ok()) << ics.error().message;
  icalcomponent* cal = icalparser_parse_string(ics->c_str());
  ASSERT_NE(cal, nullptr);
  icalcomponent* vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
  ASSERT_NE(vtz, nullptr);
  icaltimezone* zone = icaltimezone_new();
  ASSERT_TRUE(icaltimezone_set_component(zone, icalcomponent_new_clone(vtz)));
  EXPECT_STREQ(icaltimezone_get_tzid(zone), "America/New_York");
  auto utcHourOf = [&](const char* local) {
    icaltimetype t = icaltime_from_string(local);
    icaltimezone_convert_time(&t, zone, icaltimezone_get_utc_timezone());
    return t.hour;
  };
  EXPECT_EQ(utcHourOf("20270309T080000"), 13);  // EST, UTC-5
  EXPECT_EQ(utcHourOf("20270316T080000"), 12);  // EDT, UTC-4
  // The master event's RRULE survives the round trip.
  icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  ASSERT_NE(ev, nullptr);
  icalproperty* rrule = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
  ASSERT_NE(rrule, nullptr);
  icalrecurrencetype r = icalproperty_get_rrule(rrule);
  EXPECT_EQ(r.freq, ICAL_WEEKLY_RECURRENCE);
  EXPECT_EQ(r.count, 4);
  icaltimezone_free(zone, 1);
  icalcomponent_free(cal);
}

}  // namespace
}  // namespace rounds
