// Tests for schedule: parsing, zone conversion across DST (RFC 5545 §3.3.5) and weekly expansion.
// Threading: single-threaded.
#include "services/schedule.hpp"

#include <gtest/gtest.h>

namespace rounds::schedule {
namespace {

const date::time_zone* zone(const char* name) {
  const auto* z = findZone(name);
  EXPECT_NE(z, nullptr) << name;
  return z;
}

UtcTime utc(const char* s) { return *parseInstant(s, nullptr); }
LocalTime local(const char* s) { return *parseLocalDateTime(s); }

TEST(Schedule, ParsesAndRejectsDateTimes) {
  EXPECT_TRUE(parseLocalDateTime("2026-10-20T09:00"));
  EXPECT_TRUE(parseLocalDateTime("2026-10-20T09:00:30"));
  EXPECT_FALSE(parseLocalDateTime("2026-02-30T09:00"));
  EXPECT_FALSE(parseLocalDateTime("2026-10-20 09:00"));
  EXPECT_FALSE(parseLocalDateTime("2026-10-20T24:00"));
  EXPECT_FALSE(parseLocalDateTime("2026-10-20T09:00Z"));
  EXPECT_FALSE(parseLocalDateTime(""));
  EXPECT_EQ(formatUtc(utc("2026-10-20T09:00:00+08:00")), "2026-10-20T01:00:00Z");
  EXPECT_EQ(formatUtc(utc("2026-10-20T01:00Z")), "2026-10-20T01:00:00Z");
  EXPECT_FALSE(parseInstant("2026-10-20T01:00", nullptr));
  EXPECT_FALSE(parseInstant("2026-10-20", nullptr));
  EXPECT_EQ(formatUtc(*parseInstant("2026-11-02", zone("America/New_York"))), "2026-11-02T05:00:00Z");
  EXPECT_EQ(findZone("Mars/Olympus_Mons"), nullptr);
  EXPECT_EQ(findZone(""), nullptr);
}

TEST(Schedule, GapAndOverlapFollowRfc5545) {
  const auto* london = zone("Europe/London");
  // 2027-03-28 01:30 does not exist in London: read with the offset before the gap (GMT).
  EXPECT_EQ(formatUtc(toUtc(london, local("2027-03-28T01:30"))), "2027-03-28T01:30:00Z");
  EXPECT_EQ(view(toUtc(london, local("2027-03-28T01:30")), london).local, "2027-03-28T02:30:00+01:00");
  // 2026-10-25 01:30 happens twice: the first (BST) is meant.
  EXPECT_EQ(formatUtc(toUtc(london, local("2026-10-25T01:30"))), "2026-10-25T00:30:00Z");
}

// "Every Tuesday 09:00 Asia/Shanghai" seen from New York across both US DST changes.
TEST(Schedule, ShanghaiWeeklySeenFromNewYorkAcrossUsDst) {
  Rule r;
  r.zone = zone("Asia/Shanghai");
  r.start = local("2026-10-20T09:00");
  r.duration = std::chrono::minutes{90};
  r.weekly = true;
  r.weekdayMask = weekdayBit(date::Tuesday);
  const auto* ny = zone("America/New_York");
  auto occ = expand(r, {}, utc("2026-10-20T00:00:00Z"), utc("2027-03-24T00:00:00Z"));
  ASSERT_EQ(occ.size(), 23u);
  struct Want {
    size_t index;
    const char* utc;
    const char* ny;
    const char* abbrev;
  };
  const Want wants[] = {
      {0, "2026-10-20T01:00:00Z", "2026-10-19T21:00:00-04:00", "EDT"},
      {1, "2026-10-27T01:00:00Z", "2026-10-26T21:00:00-04:00", "EDT"},
      {2, "2026-11-03T01:00:00Z", "2026-11-02T20:00:00-05:00", "EST"},  // after 2026-11-01
      {20, "2027-03-09T01:00:00Z", "2027-03-08T20:00:00-05:00", "EST"},
      {21, "2027-03-16T01:00:00Z", "2027-03-15T21:00:00-04:00", "EDT"},  // after 2027-03-14
  };
  for (const auto& w : wants) {
    const auto& o = occ[w.index];
    EXPECT_EQ(formatUtc(o.start), w.utc) << w.index;
    auto v = view(o.start, ny);
    EXPECT_EQ(v.local, w.ny) << w.index;
    EXPECT_EQ(v.abbreviation, w.abbrev) << w.index;
    EXPECT_EQ(v.timeZone, "America/New_York");
    // Always Tuesday 09:00 for the organiser.
    EXPECT_EQ(view(o.start, r.zone).local.substr(10, 6), "T09:00");
    EXPECT_EQ(o.end - o.start, std::chrono::minutes{90});
  }
}

// An organiser in London across the UK change (2027-03-28): 14:00 local stays 14:00 local.
TEST(Schedule, LondonOrganiserAcrossUkDst) {
  Rule r;
  r.zone = zone("Europe/London");
  r.start = local("2027-03-18T14:00");
  r.weekly = true;
  r.weekdayMask = weekdayBit(date::Thursday);
  r.count = 3;
  auto occ = expand(r, {}, utc("2027-01-01T00:00Z"), utc("2028-01-01T00:00Z"));
  ASSERT_EQ(occ.size(), 3u);
  EXPECT_EQ(formatUtc(occ[0].start), "2027-03-18T14:00:00Z");
  EXPECT_EQ(formatUtc(occ[1].start), "2027-03-25T14:00:00Z");
  EXPECT_EQ(formatUtc(occ[2].start), "2027-04-01T13:00:00Z");
  EXPECT_EQ(view(occ[2].start, zone("Asia/Shanghai")).local, "2027-04-01T21:00:00+08:00");
  EXPECT_EQ(view(occ[2].start, r.zone).abbreviation, "BST");
}

TEST(Schedule, IntervalWeekdaysUntilAndExceptions) {
  Rule r;
  r.zone = zone("Asia/Shanghai");
  r.start = local("2026-10-20T09:00");  // a Tuesday
  r.weekly = true;
  r.intervalWeeks = 2;
  r.weekdayMask = weekdayBit(date::Tuesday) | weekdayBit(date::Thursday);
  r.until = *parseLocalDate("2026-11-19");
  EXPECT_TRUE(isOriginal(r, local("2026-10-22T09:00")));
  EXPECT_FALSE(isOriginal(r, local("2026-10-27T09:00")));  // the off week
  EXPECT_FALSE(isOriginal(r, local("2026-10-20T10:00")));
  EXPECT_EQ(formatLocal(*lastOriginal(r)), "2026-11-19T09:00:00");
  std::vector<Exception> ex(2);
  ex[0].original = local("2026-11-03T09:00");
  ex[0].cancelled = true;
  ex[1].original = local("2026-11-05T09:00");
  ex[1].newStart = local("2026-11-06T15:00");
  auto occ = expand(r, ex, utc("2026-01-01T00:00Z"), utc("2027-01-01T00:00Z"));
  ASSERT_EQ(occ.size(), 6u);
  const char* starts[] = {"2026-10-20T09:00:00", "2026-10-22T09:00:00", "2026-11-03T09:00:00",
                          "2026-11-06T15:00:00", "2026-11-17T09:00:00", "2026-11-19T09:00:00"};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(formatLocal(occ[i].localStart), starts[i]) << i;
  EXPECT_EQ(occ[2].status, OccurrenceStatus::kCancelled);
  EXPECT_EQ(occ[3].status, OccurrenceStatus::kMoved);
  EXPECT_EQ(formatLocal(occ[3].original), "2026-11-05T09:00:00");
  // A query window selects by start.
  EXPECT_EQ(expand(r, ex, utc("2026-11-06T00:00Z"), utc("2026-11-07T00:00Z")).size(), 1u);
  EXPECT_TRUE(expand(r, ex, utc("2026-11-07T00:00Z"), utc("2026-11-06T00:00Z")).empty());
}

TEST(Schedule, UnboundedSeriesIsCappedPerQuery) {
  Rule r;
  r.zone = zone("UTC");
  r.start = local("2026-01-01T08:00");
  r.weekly = true;
  r.weekdayMask = 0x7f;
  EXPECT_FALSE(lastOriginal(r));
  auto occ = expand(r, {}, utc("2026-01-01T00:00Z"), utc("2036-01-01T00:00Z"));
  EXPECT_EQ(occ.size(), kMaxOccurrencesPerQuery);
}

}  // namespace
}  // namespace rounds::schedule
