// KnowledgeApi: the REST endpoints of meetings, agenda, cases, Q&A/FAQ and attendance reports
// (docs/api.md, "In the room"). Hosts authenticate with `Authorization: Bearer <session token>`,
// invitees with `X-Invite-Token: <token>` (or `?invite=`); every call checks both.
// Threading: control thread only.
#pragma once

#include <optional>

#include "control/api.hpp"
#include "control/http_server.hpp"
#include "control/room_events.hpp"
#include "services/cases.hpp"
#include "services/meetings.hpp"
#include "services/questions.hpp"

namespace rounds {

class KnowledgeApi {
 public:
  KnowledgeApi(MeetingService& meetings, CaseService& cases, QuestionService& questions,
               AttendanceService& attendance)
      : meetings_(meetings), cases_(cases), questions_(questions), attendance_(attendance) {}

  // The response if `req` is one of ours, nullopt otherwise (the caller routes it elsewhere).
  std::optional<HttpResponse> handle(const HttpRequest& req);
  // Told when a host starts or advances an agenda item (the room shows it at once).
  void setRoomEvents(RoomEvents* events) { events_ = events; }

 private:
  HttpResponse seriesRoute(const HttpRequest& req, int64_t seriesId, std::string_view rest);
  HttpResponse meetingRoute(const HttpRequest& req, int64_t meetingId, std::string_view rest);
  HttpResponse caseRoute(const HttpRequest& req, const MeetingAccess& a, std::string_view rest);
  HttpResponse questionRoute(const HttpRequest& req, const MeetingAccess& a, std::string_view rest);
  HttpResponse attendanceReport(const HttpRequest& req, const MeetingAccess& a, bool csv);

  MeetingService& meetings_;
  CaseService& cases_;
  QuestionService& questions_;
  AttendanceService& attendance_;
  RoomEvents* events_ = nullptr;
};

// Adds the knowledge endpoints to `api` (checked before its own).
void registerKnowledgeApi(Api& api, KnowledgeApi& knowledge);

}  // namespace rounds
