// Attendance report for one meeting: each person's intervals in the room (reconnects included),
// time present, share of the meeting and whether it meets a threshold (e.g. 80% for a
// certificate); CSV export. Pure functions over attendance rows.
// Threading: stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace rounds {

struct AttendanceInterval {
  int64_t joinedAtMs = 0;  // clipped to the meeting
  int64_t leftAtMs = 0;
  std::string leaveReason;  // empty while still present
};

struct PersonAttendance {
  std::string name;
  std::optional<int64_t> personId;  // the directory person; none for a guest from the lobby
  std::vector<AttendanceInterval> intervals;  // by join time
  int64_t presentMs = 0;  // union of the intervals (two tabs at once count once)
  double percent = 0;     // of the meeting's scheduled length
  bool meetsThreshold = false;
};

struct AttendanceReport {
  int64_t startsAtMs = 0;
  int64_t endsAtMs = 0;
  double thresholdPercent = 80;
  std::vector<PersonAttendance> people;  // by name
};

// People are matched by the identity their join carried (personId: invitation or host session),
// and only guests admitted from the lobby by display name: each join (and reconnect) has a fresh
// participant id.
// Rows outside [startsAtMs, endsAtMs) are ignored; an open row counts until min(nowMs, end).
AttendanceReport buildAttendanceReport(const std::vector<AttendanceRecord>& rows,
                                       int64_t startsAtMs, int64_t endsAtMs, int64_t nowMs,
                                       double thresholdPercent);

// One line per interval (RFC 4180, CRLF): name, joined, left, reason, then the person's totals.
std::string attendanceCsv(const AttendanceReport& report);

}  // namespace rounds
