// CalendarIcs: the iCalendar file (RFC 5545, METHOD:PUBLISH per RFC 5546 §3.2.1) for one invitee of
// a series, built with libical: a VTIMEZONE for the organiser's zone generated from the same tz
// database our own expansion uses, a master VEVENT with DTSTART;TZID and RRULE, EXDATE for
// cancelled occurrences and a RECURRENCE-ID VEVENT per moved one. The one place that calls libical.
// Threading: control thread only (libical keeps global state).
#pragma once

#include <string>

#include "common/result.hpp"
#include "services/schedule.hpp"
#include "store/clinical_records.hpp"

namespace rounds {

struct IcsRequest {
  const SeriesRecord* series = nullptr;
  std::string organiserName;
  std::string organiserEmail;
  std::string joinUrl;    // the invitee's personal link
  schedule::UtcTime stamp{};  // DTSTAMP
};

// The whole .ics text (CRLF line ends), or an error if the series cannot be expressed.
Result<std::string> buildSeriesIcs(const IcsRequest& request);

// Parses `text` with libical and runs its RFC 5546 restriction check; the error names the first
// problem libical reported. Used by tests, and by buildSeriesIcs on its own output.
Status checkIcs(const std::string& text);

}  // namespace rounds
