#include "services/attendance_report.hpp"

#include <gtest/gtest.h>

#include "services/questions.hpp"

namespace rounds {
namespace {

constexpr int64_t kMin = 60'000;

AttendanceRecord row(const std::string& name, int64_t joinMin, std::optional<int64_t> leftMin) {
  AttendanceRecord r;
  r.displayName = name;
  r.joinedAtMs = joinMin * kMin;
  if (leftMin) r.leftAtMs = *leftMin * kMin;
  r.leaveReason = leftMin ? "left" : "";
  return r;
}

TEST(AttendanceReport, TwoTabsAtOnceCountOnceAndTimeOutsideTheSessionIsIgnored) {
  // Session 0-100 min. Ann: -10..30 (joined early), 20..50 in a second tab, 90..open.
  auto report = buildAttendanceReport(
      {row("Ann", -10, 30), row("Ann", 20, 50), row("Ann", 90, std::nullopt), row("Ben", 120, 130)},
      0, 100 * kMin, 95 * kMin, 80);
  ASSERT_EQ(report.people.size(), 1u);  // Ben came after the end
  const auto& ann = report.people[0];
  EXPECT_EQ(ann.intervals.size(), 3u);
  EXPECT_EQ(ann.intervals[0].joinedAtMs, 0);        // clipped to the start
  EXPECT_EQ(ann.intervals[2].leftAtMs, 95 * kMin);  // still present: counts until now
  EXPECT_EQ(ann.presentMs, 55 * kMin);              // 0-50 and 90-95
  EXPECT_DOUBLE_EQ(ann.percent, 55.0);
  EXPECT_FALSE(ann.meetsThreshold);
}

TEST(AttendanceReport, ExactlyAtTheThresholdMeetsIt) {
  auto report = buildAttendanceReport({row("Cai", 0, 80)}, 0, 100 * kMin, 200 * kMin, 80);
  ASSERT_EQ(report.people.size(), 1u);
  EXPECT_TRUE(report.people[0].meetsThreshold);
}

TEST(Csv, FieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(csvField("plain"), "plain");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvField("=1+1"), "'=1+1");  // no formula injection into spreadsheets
  EXPECT_EQ(csvField(""), "");
}

}  // namespace
}  // namespace rounds
