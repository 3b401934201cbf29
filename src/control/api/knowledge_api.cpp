// KnowledgeApi: JSON in and out for meetings, agenda, cases, Q&A/FAQ and attendance reports.
// Threading: see knowledge_api.hpp.
#include "control/api/knowledge_api.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "services/attendance_report.hpp"
#include "services/series.hpp"
#include "services/validation.hpp"
#include "store/knowledge_tables.hpp"

namespace rounds {

using nlohmann::json;

namespace {

HttpResponse reply(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse text(std::string contentType, std::string body, std::string filename) {
  HttpResponse r;
  r.contentType = std::move(contentType);
  r.body = std::move(body);
  r.headers["Content-Disposition"] = "attachment; filename=\"" + filename + "\"";
  return r;
}

HttpResponse failure(int status, const std::string& code, const std::string& message,
                     const std::string& field = "") {
  json e{{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return reply(status, json{{"error", e}});
}

// Maps a service error to its status (accounts.hpp); invalid_field names the field.
HttpResponse failure(const Error& e) {
  if (e.code == validate::kInvalidField) {
    auto colon = e.message.find(": ");
    return failure(400, e.code, e.message,
                   colon == std::string::npos ? "" : e.message.substr(0, colon));
  }
  if (e.code == "unauthorized") return failure(401, e.code, e.message);
  if (e.code == "forbidden") return failure(403, e.code, e.message);
  if (e.code == "not_found") return failure(404, e.code, e.message);
  if (e.code == "conflict") return failure(409, e.code, e.message);
  return failure(500, "internal", "the server could not complete this request");
}

HttpResponse badField(const std::string& field, const std::string& reason) {
  return failure(400, validate::kInvalidField, field + ": " + reason, field);
}

std::optional<int64_t> parseId(std::string_view s) {
  int64_t v = 0;
  if (s.empty() || s.size() > 18 || s[0] == '0') return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// Splits "a/b/c" into its first segment and the rest.
std::pair<std::string_view, std::string_view> head(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return {s, {}};
  return {s.substr(0, slash), s.substr(slash + 1)};
}

Credentials credentialsOf(const HttpRequest& req) {
  Credentials c;
  if (auto it = req.headers.find("authorization"); it != req.headers.end()) {
    std::string_view v = it->second;
    if (v.size() > 7 && validate::asciiLower(v.substr(0, 7)) == "bearer ") c.bearer = v.substr(7);
  }
  if (auto it = req.headers.find("x-invite-token"); it != req.headers.end()) {
    c.inviteToken = it->second;
  } else if (auto q = req.query.find("invite"); q != req.query.end()) {
    c.inviteToken = q->second;
  }
  return c;
}

// The JSON object body, or the 400 that says why not.
struct Body {
  json j;
  std::optional<HttpResponse> error;
};

Body parseBody(const HttpRequest& req) {
  Body b;
  b.j = json::parse(req.body.empty() ? std::string("{}") : req.body, nullptr, false);
  if (b.j.is_discarded() || !b.j.is_object()) b.error = badField("body", "must be a JSON object");
  return b;
}

// Typed getters: a wrong type is a 400 naming the field.
std::optional<HttpResponse> getString(const json& j, const char* field, std::string& out,
                                      bool required) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (required) return badField(field, "is required");
    return std::nullopt;
  }
  if (!it->is_string()) return badField(field, "must be a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<HttpResponse> getInt(const json& j, const char* field, int64_t& out, bool required) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (required) return badField(field, "is required");
    return std::nullopt;
  }
  if (!it->is_number_integer()) return badField(field, "must be an integer");
  out = it->get<int64_t>();
  return std::nullopt;
}

std::optional<HttpResponse> getOptionalId(const json& j, const char* field,
                                          std::optional<int64_t>& out) {
  int64_t v = 0;
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (auto e = getInt(j, field, v, true)) return e;
  if (v <= 0) return badField(field, "must be a positive id");
  out = v;
  return std::nullopt;
}

json agendaItemJson(const AgendaItemRecord& it) {
  return json{{"id", it.id},
              {"position", it.position},
              {"title", it.title},
              {"presenter", it.presenter},
              {"minutes", it.minutes},
              {"startedAt", it.startedAtMs ? json(*it.startedAtMs) : json(nullptr)},
              {"endedAt", it.endedAtMs ? json(*it.endedAtMs) : json(nullptr)}};
}

json agendaJson(const AgendaView& v) {
  json items = json::array();
  for (const auto& it : v.items) items.push_back(agendaItemJson(it));
  return json{{"items", items},
              {"current", v.current ? agendaItemJson(*v.current) : json(nullptr)},
              {"elapsedMs", v.elapsedMs},
              {"overrun", v.overrun}};
}

json meetingJson(const MeetingRecord& m) {
  return json{{"id", m.id},
              {"seriesId", m.seriesId},
              {"title", m.title},
              {"startsAt", m.startsAtMs},
              {"durationMinutes", m.durationMinutes}};
}

json caseJson(const CaseRecord& c, bool withFields) {
  json out{{"id", c.id},
           {"meetingId", c.meetingId},
           {"agendaItemId", c.agendaItemId ? json(*c.agendaItemId) : json(nullptr)},
           {"author", c.authorName},
           {"status", c.status},
           {"returnReason", c.returnReason},
           {"updatedAt", c.updatedAtMs}};
  if (withFields) {
    out["fields"] = json::parse(c.fieldsJson, nullptr, false);
    out["justifications"] = json::parse(c.justificationsJson, nullptr, false);
  }
  return out;
}

json spanJson(const FlaggedSpan& f) {
  const auto& s = f.span;
  return json{{"field", s.field},           {"offset", s.byteOffset},
              {"length", s.byteLength},     {"charOffset", s.charOffset},
              {"charLength", s.charLength}, {"kind", deid::kindName(s.kind)},
              {"reason", s.reason},         {"text", s.text},
              {"justified", f.justified}};
}

json questionJson(const QuestionRecord& q, bool host) {
  json out{{"id", q.id},
           {"text", q.text},
           {"votes", q.votes},
           {"status", q.status},
           {"anonymous", q.anonymous},
           {"askedBy", q.askerName.empty() ? json(nullptr) : json(q.askerName)},
           {"agendaItemId", q.agendaItemId ? json(*q.agendaItemId) : json(nullptr)},
           {"answer", q.answer},
           {"answeredAt", q.answeredAtMs ? json(*q.answeredAtMs) : json(nullptr)},
           {"askedAt", q.createdAtMs}};
  if (host) out["askerKey"] = q.asker;
  return out;
}

json faqJson(const FaqEntry& e) {
  return json{{"questionId", e.questionId}, {"meetingId", e.meetingId},
              {"meeting", e.meetingTitle},  {"meetingStartsAt", e.meetingStartsAtMs},
              {"topic", e.topic},           {"question", e.question},
              {"answer", e.answer},         {"answeredAt", e.answeredAtMs}};
}

// The template fields of a request body ("fields": {name: string}).
std::optional<HttpResponse> getFields(const json& body, CaseFields& out) {
  auto it = body.find("fields");
  if (it == body.end()) return badField("fields", "is required");
  if (!it->is_object()) return badField("fields", "must be an object of strings");
  for (auto f = it->begin(); f != it->end(); ++f) {
    if (!f->is_string()) return badField("fields." + f.key(), "must be a string");
    out[f.key()] = f->get<std::string>();
  }
  return std::nullopt;
}

bool isMethod(const HttpRequest& req, std::string_view m) { return req.method == m; }

HttpResponse methodNotAllowed(const HttpRequest& req) {
  return failure(405, "method_not_allowed", req.method + " is not supported on " + req.path);
}

}  // namespace

void registerKnowledgeApi(Api& api, KnowledgeApi& knowledge) {
  api.addRoutes([&knowledge](const HttpRequest& req) { return knowledge.handle(req); });
}

std::optional<HttpResponse> KnowledgeApi::handle(const HttpRequest& req) {
  std::string_view path = req.path;
  constexpr std::string_view kSeries = "/api/series/", kMeetings = "/api/meetings/";
  if (path.substr(0, kMeetings.size()) == kMeetings) {
    auto [id, rest] = head(path.substr(kMeetings.size()));
    auto mid = parseId(id);
    if (!mid) return badField("meetingId", "must be a positive integer");
    return meetingRoute(req, *mid, rest);
  }
  if (path.substr(0, kSeries.size()) == kSeries) {
    auto [id, rest] = head(path.substr(kSeries.size()));
    // Only the series sub-resources below are ours; the rest belongs to the series API.
    if (rest != "meetings" && rest != "faq" && rest != "faq.md" && rest != "faq.csv")
      return std::nullopt;
    auto sid = parseId(id);
    if (!sid) return badField("seriesId", "must be a positive integer");
    return seriesRoute(req, *sid, rest);
  }
  return std::nullopt;
}

HttpResponse KnowledgeApi::seriesRoute(const HttpRequest& req, int64_t seriesId,
                                       std::string_view rest) {
  Credentials creds = credentialsOf(req);
  if (rest == "meetings" && (isMethod(req, "GET") || isMethod(req, "HEAD"))) {
    auto list = meetings_.list(creds, seriesId);
    if (!list) return failure(list.error());
    // current: running now (the latest started, if two overlap); next: the first yet to start.
    const int64_t now = meetings_.clock().wallMillis();
    json out = json::array(), current = nullptr, next = nullptr;
    for (const auto& m : list->second) {
      out.push_back(meetingJson(m));
      const int64_t end = m.startsAtMs + int64_t{m.durationMinutes} * 60'000;
      if (m.startsAtMs <= now && now < end) current = m.id;
      if (m.startsAtMs > now && next.is_null()) next = m.id;
    }
    auto s = meetings_.store().series(seriesId);
    const bool found = s && *s;
    return reply(200, json{{"seriesId", seriesId},
                           {"title", found ? (*s)->title : ""},
                           {"room", found ? SeriesService::roomOf(**s) : ""},
                           {"meetings", out},
                           {"current", current},
                           {"next", next},
                           {"you", {{"name", list->first.name}, {"host", list->first.host}}}});
  }
  if (rest == "meetings") {
    if (!isMethod(req, "POST")) return methodNotAllowed(req);
    auto body = parseBody(req);
    if (body.error) return *body.error;
    std::string title;
    int64_t startsAt = 0, minutes = 0;
    if (auto e = getString(body.j, "title", title, true)) return *e;
    if (auto e = getInt(body.j, "startsAt", startsAt, true)) return *e;
    if (auto e = getInt(body.j, "durationMinutes", minutes, true)) return *e;
    if (minutes < 1 || minutes > 1440) return badField("durationMinutes", "must be 1 to 1440");
    auto m = meetings_.create(creds, seriesId, title, startsAt, static_cast<int>(minutes));
    if (!m) return failure(m.error());
    return reply(201, meetingJson(*m));
  }
  if (!isMethod(req, "GET") && !isMethod(req, "HEAD")) return methodNotAllowed(req);
  if (rest == "faq" && req.query.count("q")) {
    int64_t limit = 20;
    if (auto l = req.query.find("limit"); l != req.query.end()) {
      auto v = parseId(l->second);
      if (!v) return badField("limit", "must be 1 to 100");
      limit = *v;
    }
    auto hits = questions_.search(seriesId, creds, req.query.at("q"),
                                  static_cast<int>(std::min<int64_t>(limit, 1000)));
    if (!hits) return failure(hits.error());
    json list = json::array();
    for (const auto& h : *hits) list.push_back(faqJson(h));
    return reply(200,
                 json{{"seriesId", seriesId}, {"query", req.query.at("q")}, {"results", list}});
  }
  auto all = questions_.faq(seriesId, creds);
  if (!all) return failure(all.error());
  if (rest == "faq.csv")
    return text("text/csv; charset=utf-8", QuestionService::toCsv(*all),
                "faq-series-" + std::to_string(seriesId) + ".csv");
  if (rest == "faq.md") {
    auto s = meetings_.store().series(seriesId);
    std::string title = s && *s ? (*s)->title : "series " + std::to_string(seriesId);
    return text("text/markdown; charset=utf-8", QuestionService::toMarkdown(title, *all),
                "faq-series-" + std::to_string(seriesId) + ".md");
  }
  json list = json::array();
  for (const auto& h : *all) list.push_back(faqJson(h));
  return reply(200, json{{"seriesId", seriesId}, {"results", list}});
}

HttpResponse KnowledgeApi::meetingRoute(const HttpRequest& req, int64_t meetingId,
                                        std::string_view rest) {
  auto a = meetings_.access(meetingId, credentialsOf(req));
  if (!a) return failure(a.error());
  auto [first, tail] = head(rest);
  const bool get = isMethod(req, "GET") || isMethod(req, "HEAD");
  const bool post = isMethod(req, "POST");

  if (first.empty()) {
    if (!get) return methodNotAllowed(req);
    auto view = meetings_.agenda(*a);
    if (!view) return failure(view.error());
    json out = meetingJson(a->meeting);
    out["agenda"] = agendaJson(*view);
    out["you"] = {{"name", a->actor.name}, {"host", a->actor.host}};
    return reply(200, out);
  }
  if (first == "agenda") {
    if (tail.empty() && get) {
      auto view = meetings_.agenda(*a);
      return view ? reply(200, agendaJson(*view)) : failure(view.error());
    }
    if (tail.empty() && post) {
      auto body = parseBody(req);
      if (body.error) return *body.error;
      std::string title, presenter;
      int64_t minutes = 0;
      if (auto e = getString(body.j, "title", title, true)) return *e;
      if (auto e = getString(body.j, "presenter", presenter, false)) return *e;
      if (auto e = getInt(body.j, "minutes", minutes, true)) return *e;
      if (minutes < 1 || minutes > 600) return badField("minutes", "must be 1 to 600");
      auto item = meetings_.addItem(*a, title, presenter, static_cast<int>(minutes));
      return item ? reply(201, agendaItemJson(*item)) : failure(item.error());
    }
    if (tail == "order" && (post || isMethod(req, "PUT"))) {
      auto body = parseBody(req);
      if (body.error) return *body.error;
      auto it = body.j.find("ids");
      if (it == body.j.end() || !it->is_array())
        return badField("ids", "must be an array of item ids");
      std::vector<int64_t> ids;
      for (const auto& v : *it) {
        if (!v.is_number_integer()) return badField("ids", "must be an array of item ids");
        ids.push_back(v.get<int64_t>());
      }
      auto view = meetings_.reorder(*a, ids);
      return view ? reply(200, agendaJson(*view)) : failure(view.error());
    }
    // Starting or advancing an item is pushed to the room over signalling (RoomEvents).
    auto running = [&](Result<AgendaView> view) {
      if (!view) return failure(view.error());
      if (events_) events_->onAgendaChanged(SeriesService::roomOf(a->series), a->meeting.id, *view);
      return reply(200, agendaJson(*view));
    };
    if (tail == "next" && post) return running(meetings_.next(*a));
    auto [itemId, action] = head(tail);
    if (action == "start" && post) {
      auto id = parseId(itemId);
      if (!id) return badField("itemId", "must be a positive integer");
      return running(meetings_.start(*a, *id));
    }
    return methodNotAllowed(req);
  }
  if (first == "cases") return caseRoute(req, *a, tail);
  if (first == "questions") return questionRoute(req, *a, tail);
  if (first == "attendance" || first == "attendance.csv") {
    if (!get) return methodNotAllowed(req);
    return attendanceReport(req, *a, first == "attendance.csv");
  }
  return failure(404, "not_found", "no API endpoint at " + req.path);
}

HttpResponse KnowledgeApi::caseRoute(const HttpRequest& req, const MeetingAccess& a,
                                     std::string_view rest) {
  const bool get = isMethod(req, "GET") || isMethod(req, "HEAD");
  if (rest.empty()) {
    if (get) {
      auto list = cases_.list(a);
      if (!list) return failure(list.error());
      json out = json::array();
      for (const auto& c : *list) out.push_back(caseJson(c, false));
      return reply(200, json{{"cases", out}});
    }
    if (!isMethod(req, "POST")) return methodNotAllowed(req);
    auto body = parseBody(req);
    if (body.error) return *body.error;
    CaseFields fields;
    std::optional<int64_t> item;
    if (auto e = getFields(body.j, fields)) return *e;
    if (auto e = getOptionalId(body.j, "agendaItemId", item)) return *e;
    auto c = cases_.create(a, fields, item);
    return c ? reply(201, caseJson(*c, true)) : failure(c.error());
  }
  auto [idText, action] = head(rest);
  auto id = parseId(idText);
  if (!id) return badField("caseId", "must be a positive integer");
  if (action.empty() && get) {
    auto c = cases_.view(a, *id);
    if (!c) return failure(c.error());
    json out = caseJson(*c, true);
    auto imgs = cases_.images(a, *id);
    if (!imgs) return failure(imgs.error());
    out["images"] = json::array();
    for (const auto& i : *imgs)
      out["images"].push_back({{"id", i.id}, {"mime", i.mime}, {"bytes", i.size}});
    return reply(200, out);
  }
  if (action == "images" && isMethod(req, "POST")) {
    auto img = cases_.addImage(a, *id, req.body);
    if (!img) return failure(img.error());
    return reply(201, json{{"id", img->id},
                           {"mime", img->mime},
                           {"bytes", img->size},
                           {"removedSegments", img->removedSegments}});
  }
  if (auto [sub, imageId] = head(action); sub == "images" && get && !imageId.empty()) {
    auto iid = parseId(imageId);
    if (!iid) return badField("imageId", "must be a positive integer");
    auto img = cases_.image(a, *id, *iid);
    if (!img) return failure(img.error());
    HttpResponse r;
    r.contentType = img->mime;
    r.body = std::move(img->data);
    r.headers["Cache-Control"] = "no-store";
    return r;
  }
  if (action == "audit" && get) {
    auto rows = cases_.audit(a, *id);
    if (!rows) return failure(rows.error());
    json out = json::array();
    for (const auto& r : *rows)
      out.push_back(
          {{"at", r.atMs}, {"actor", r.actor}, {"action", r.action}, {"detail", r.detail}});
    return reply(200, json{{"caseId", *id}, {"audit", out}});
  }
  auto body = parseBody(req);
  if (body.error) return *body.error;
  if (action.empty() && isMethod(req, "PUT")) {
    CaseFields fields;
    std::optional<int64_t> item;
    if (auto e = getFields(body.j, fields)) return *e;
    if (auto e = getOptionalId(body.j, "agendaItemId", item)) return *e;
    auto c = cases_.update(a, *id, fields, item);
    return c ? reply(200, caseJson(*c, true)) : failure(c.error());
  }
  if (action == "submit" && isMethod(req, "POST")) {
    std::vector<Justification> justs;
    if (auto it = body.j.find("justifications"); it != body.j.end() && !it->is_null()) {
      if (!it->is_array()) return badField("justifications", "must be an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const json& j = (*it)[i];
        std::string f = "justifications[" + std::to_string(i) + "]";
        if (!j.is_object()) return badField(f, "must be an object");
        Justification out;
        if (auto e = getString(j, "field", out.field, true))
          return badField(f + ".field", "is required (a string)");
        if (auto e = getString(j, "text", out.text, true))
          return badField(f + ".text", "is required (a string)");
        if (auto e = getString(j, "reason", out.reason, true))
          return badField(f + ".reason", "is required (a string)");
        justs.push_back(std::move(out));
      }
    }
    auto outcome = cases_.submit(a, *id, justs);
    if (!outcome) return failure(outcome.error());
    json spans = json::array();
    for (const auto& s : outcome->spans) spans.push_back(spanJson(s));
    if (outcome->blocked) {
      size_t open = 0;
      for (const auto& s : outcome->spans) open += s.justified ? 0 : 1;
      return reply(422, json{{"error",
                              {{"code", "identifiers_found"},
                               {"message", std::to_string(open) +
                                               " likely identifier(s): fix each or justify it"},
                               {"spans", spans}}}});
    }
    json out = caseJson(outcome->record, true);
    out["spans"] = spans;
    return reply(200, out);
  }
  if (action == "review" && isMethod(req, "POST")) {
    std::string decision, reason;
    if (auto e = getString(body.j, "decision", decision, true)) return *e;
    if (auto e = getString(body.j, "reason", reason, false)) return *e;
    auto c = cases_.review(a, *id, decision, reason);
    return c ? reply(200, caseJson(*c, false)) : failure(c.error());
  }
  return methodNotAllowed(req);
}

HttpResponse KnowledgeApi::questionRoute(const HttpRequest& req, const MeetingAccess& a,
                                         std::string_view rest) {
  const bool get = isMethod(req, "GET") || isMethod(req, "HEAD");
  if (rest.empty() && get) {
    auto list = questions_.list(a);
    if (!list) return failure(list.error());
    json out = json::array();
    for (const auto& q : *list) out.push_back(questionJson(q, a.actor.host));
    return reply(200, json{{"questions", out}});
  }
  if (!isMethod(req, "POST")) return methodNotAllowed(req);
  auto body = parseBody(req);
  if (body.error) return *body.error;
  if (rest.empty()) {
    std::string textIn;
    bool anonymous = false;
    std::optional<int64_t> item;
    if (auto e = getString(body.j, "text", textIn, true)) return *e;
    if (auto it = body.j.find("anonymous"); it != body.j.end() && !it->is_null()) {
      if (!it->is_boolean()) return badField("anonymous", "must be true or false");
      anonymous = it->get<bool>();
    }
    if (auto e = getOptionalId(body.j, "agendaItemId", item)) return *e;
    auto q = questions_.ask(a, textIn, anonymous, item);
    return q ? reply(201, questionJson(*q, true)) : failure(q.error());
  }
  auto [idText, action] = head(rest);
  auto id = parseId(idText);
  if (!id) return badField("questionId", "must be a positive integer");
  if (action == "vote") {
    auto voted = questions_.upvote(a, *id);
    if (!voted) return failure(voted.error());
    auto q = meetings_.store().knowledge().question(*id);
    int64_t votes = q && *q ? (*q)->votes : 0;
    return reply(200, json{{"voted", *voted}, {"votes", votes}});
  }
  if (action == "merge") {
    int64_t into = 0;
    if (auto e = getInt(body.j, "into", into, true)) return *e;
    auto st = questions_.merge(a, *id, into);
    return st ? reply(200, json{{"merged", *id}, {"into", into}}) : failure(st.error());
  }
  if (action == "answer") {
    std::string answer;
    if (auto e = getString(body.j, "answer", answer, true)) return *e;
    auto q = questions_.answer(a, *id, answer);
    return q ? reply(200, questionJson(*q, true)) : failure(q.error());
  }
  return failure(404, "not_found", "no API endpoint at " + req.path);
}

HttpResponse KnowledgeApi::attendanceReport(const HttpRequest& req, const MeetingAccess& a,
                                            bool csv) {
  if (!a.actor.host) return failure(403, "forbidden", "only a host may read the attendance report");
  double threshold = 80;
  if (auto it = req.query.find("threshold"); it != req.query.end()) {
    auto v = parseId(it->second);
    if (!v || *v > 100) return badField("threshold", "a whole percentage from 1 to 100");
    threshold = static_cast<double>(*v);
  }
  auto rows = attendance_.forRoom(SeriesService::roomOf(a.series));
  if (!rows) return failure(rows.error());
  int64_t start = a.meeting.startsAtMs;
  int64_t end = start + int64_t{a.meeting.durationMinutes} * 60'000;
  auto report = buildAttendanceReport(*rows, start, end, meetings_.clock().wallMillis(), threshold);
  if (csv)
    return text("text/csv; charset=utf-8", attendanceCsv(report),
                "attendance-meeting-" + std::to_string(a.meeting.id) + ".csv");
  json people = json::array();
  for (const auto& p : report.people) {
    json ivs = json::array();
    for (const auto& iv : p.intervals)
      ivs.push_back(
          {{"joinedAt", iv.joinedAtMs}, {"leftAt", iv.leftAtMs}, {"leaveReason", iv.leaveReason}});
    people.push_back({{"name", p.name},
                      {"personId", p.personId ? json(*p.personId) : json(nullptr)},
                      {"intervals", ivs},
                      {"presentMs", p.presentMs},
                      {"percent", p.percent},
                      {"meetsThreshold", p.meetsThreshold}});
  }
  return reply(200, json{{"meetingId", a.meeting.id},
                         {"startsAt", start},
                         {"endsAt", end},
                         {"thresholdPercent", threshold},
                         {"people", people}});
}

}  // namespace rounds
