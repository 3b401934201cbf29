// Stored records of the in-room clinical layer (issue 4): meetings (one session of a series),
// agenda items, case presentations with their audit log, questions, votes and the FAQ index.
// Threading: value types; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rounds {

// One session of a series: what the agenda, cases, questions and attendance report belong to.
struct MeetingRecord {
  int64_t id = 0;
  int64_t seriesId = 0;
  std::string title;
  int64_t startsAtMs = 0;  // UTC
  int durationMinutes = 0;
  int64_t createdAtMs = 0;
};

struct AgendaItemRecord {
  int64_t id = 0;
  int64_t meetingId = 0;
  int position = 0;  // 1, 2, ... in running order
  std::string title;
  std::string presenter;
  int minutes = 0;  // time box
  std::optional<int64_t> startedAtMs;
  std::optional<int64_t> endedAtMs;
};

// Who did something: "account:<id>" (a host) or "person:<id>" (an invitee).
struct CaseRecord {
  int64_t id = 0;
  int64_t meetingId = 0;
  std::optional<int64_t> agendaItemId;
  std::string author;
  std::string authorName;
  std::string status;              // draft, submitted, approved, returned
  std::string fieldsJson;          // the template fields, a JSON object of strings
  std::string justificationsJson;  // JSON array of {field, offset, text, justification}
  std::string returnReason;
  int64_t createdAtMs = 0;
  int64_t updatedAtMs = 0;
};

struct CaseAuditRecord {
  int64_t id = 0;
  int64_t caseId = 0;
  int64_t atMs = 0;
  std::string actor;
  std::string action;  // created, updated, submit_blocked, submitted, approved, returned, viewed
  std::string detail;
};

// An image of a case, stored only after its metadata was stripped (services/image_strip.hpp).
struct CaseImageRecord {
  int64_t id = 0;
  int64_t caseId = 0;
  std::string mime;
  std::string data;  // empty in listings
  int64_t size = 0;
  int removedSegments = 0;
  int64_t createdAtMs = 0;
};

struct QuestionRecord {
  int64_t id = 0;
  int64_t meetingId = 0;
  std::optional<int64_t> agendaItemId;  // the topic it was asked under
  std::string asker;                    // actor, always known to hosts
  std::string askerName;
  bool anonymous = false;  // hide askerName from the room
  std::string text;
  std::string status;  // open, answered, merged
  std::optional<int64_t> mergedInto;
  std::string answer;
  std::optional<int64_t> answeredAtMs;
  int64_t createdAtMs = 0;
  int64_t votes = 0;  // computed
};

struct FaqEntry {
  int64_t questionId = 0;
  int64_t meetingId = 0;
  int64_t seriesId = 0;
  std::string meetingTitle;
  int64_t meetingStartsAtMs = 0;
  std::string topic;
  std::string question;
  std::string answer;
  int64_t answeredAtMs = 0;
};

}  // namespace rounds
