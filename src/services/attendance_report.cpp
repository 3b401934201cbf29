// Attendance report: intervals per person, union of time present, threshold; CSV.
// Threading: see attendance_report.hpp.
#include "services/attendance_report.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "services/questions.hpp"  // csvField

namespace rounds {

namespace {

std::string isoUtcSeconds(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

AttendanceReport buildAttendanceReport(const std::vector<AttendanceRecord>& rows,
                                       int64_t startsAtMs, int64_t endsAtMs, int64_t nowMs,
                                       double thresholdPercent) {
  AttendanceReport report;
  report.startsAtMs = startsAtMs;
  report.endsAtMs = endsAtMs;
  report.thresholdPercent = thresholdPercent;
  // A person is their invitation's identity when the join carried one: two people with the same
  // name stay two, and a renamed person stays one. Lobby guests have only the name they typed.
  std::map<std::string, PersonAttendance> byName;
  for (const auto& r : rows) {
    int64_t left = r.leftAtMs ? *r.leftAtMs : std::min(nowMs, endsAtMs);
    int64_t b = std::max(r.joinedAtMs, startsAtMs);
    int64_t e = std::min(left, endsAtMs);
    if (e <= b) continue;
    std::string key = r.personId ? "person:" + std::to_string(*r.personId)
                                 : "name:" + r.displayName;
    auto& p = byName[key];
    if (p.intervals.empty() || r.joinedAtMs >= p.intervals.back().joinedAtMs)
      p.name = r.displayName;  // the latest name the directory gave
    p.personId = r.personId;
    p.intervals.push_back({b, e, r.leaveReason});
  }
  const int64_t length = std::max<int64_t>(1, endsAtMs - startsAtMs);
  for (auto& [name, p] : byName) {
    std::sort(p.intervals.begin(), p.intervals.end(),
              [](const auto& x, const auto& y) { return x.joinedAtMs < y.joinedAtMs; });
    int64_t coveredTo = startsAtMs;
    for (const auto& iv : p.intervals) {
      int64_t b = std::max(iv.joinedAtMs, coveredTo);
      if (iv.leftAtMs > b) p.presentMs += iv.leftAtMs - b;
      coveredTo = std::max(coveredTo, iv.leftAtMs);
    }
    p.percent = 100.0 * static_cast<double>(p.presentMs) / static_cast<double>(length);
    p.meetsThreshold = p.percent + 1e-9 >= thresholdPercent;
    report.people.push_back(std::move(p));
  }
  std::stable_sort(report.people.begin(), report.people.end(),
                   [](const PersonAttendance& x, const PersonAttendance& y) { return x.name < y.name; });
  return report;
}

std::string attendanceCsv(const AttendanceReport& report) {
  std::string out =
      "name,joined_utc,left_utc,leave_reason,present_minutes,percent_of_session,meets_"
      "threshold\r\n";
  for (const auto& p : report.people) {
    char totals[64];
    std::snprintf(totals, sizeof totals, "%.1f,%.1f,%s", static_cast<double>(p.presentMs) / 60000.0,
                  p.percent, p.meetsThreshold ? "yes" : "no");
    for (const auto& iv : p.intervals) {
      out += csvField(p.name) + "," + isoUtcSeconds(iv.joinedAtMs) + "," +
             isoUtcSeconds(iv.leftAtMs) + "," + csvField(iv.leaveReason) + "," + totals + "\r\n";
    }
  }
  return out;
}

}  // namespace rounds
