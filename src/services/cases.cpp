// CaseService: case template, identifier check, review workflow, visibility, audit.
// Threading: see cases.hpp.
#include "services/cases.hpp"

#include <nlohmann/json.hpp>

#include "services/image_strip.hpp"
#include "services/questions.hpp"  // multilineText
#include "services/validation.hpp"
#include "store/knowledge_tables.hpp"

namespace rounds {

using nlohmann::json;

namespace {

constexpr size_t kMaxFieldBytes = 8000;

std::string toJson(const CaseFields& fields) {
  json j = json::object();
  for (const auto& [k, v] : fields) j[k] = v;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string toJson(const std::vector<Justification>& js) {
  json arr = json::array();
  for (const auto& j : js)
    arr.push_back({{"field", j.field}, {"text", j.text}, {"reason", j.reason}});
  return arr.dump(-1, ' ', false, json::error_handler_t::replace);
}

// "60-69", "0-4", "90+": a band, never an exact age.
bool isAgeBand(std::string_view s) {
  auto digits = [](std::string_view d) {
    return !d.empty() && d.size() <= 3 &&
           std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (s.size() >= 2 && s.back() == '+') return digits(s.substr(0, s.size() - 1));
  auto dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  auto lo = s.substr(0, dash), hi = s.substr(dash + 1);
  if (!digits(lo) || !digits(hi)) return false;
  return std::stoi(std::string(lo)) < std::stoi(std::string(hi));
}

Error caseNotFound(int64_t id) {
  return makeError("not_found", "no case " + std::to_string(id) + " in this meeting");
}

}  // namespace

const std::vector<std::string>& CaseService::fieldNames() {
  static const std::vector<std::string> kCaseFields = {"ageBand",      "sex",     "history",
                                                       "presentation", "imaging", "laboratory",
                                                       "treatment",    "outcome", "question"};
  return kCaseFields;
}

Status CaseService::validateFields(const CaseFields& fields) {
  const auto& names = fieldNames();
  for (const auto& [k, v] : fields) {
    if (std::find(names.begin(), names.end(), k) == names.end())
      return validate::fieldError("fields." + k, "not a field of the case template");
    if (v.size() > kMaxFieldBytes) return validate::fieldError("fields." + k, "at most 8000 bytes");
    if (v.empty()) continue;
    if (k == "ageBand" && !isAgeBand(v))
      return validate::fieldError("fields.ageBand",
                                  "an age band such as \"60-69\" or \"90+\", not an exact age");
    if (k == "sex" && v != "female" && v != "male" && v != "other" && v != "unknown")
      return validate::fieldError("fields.sex", "one of female, male, other, unknown");
    if (auto t = multilineText("fields." + k, v, 0, kMaxFieldBytes); !t) return t.error();
  }
  return Ok{};
}

std::vector<FlaggedSpan> CaseService::check(const CaseFields& fields,
                                            const std::vector<Justification>& justifications) {
  std::vector<FlaggedSpan> out;
  for (const auto& name : fieldNames()) {
    auto it = fields.find(name);
    if (it == fields.end() || name == "ageBand" || name == "sex") continue;
    for (auto& span : deid::findIdentifiers(name, it->second)) {
      FlaggedSpan f;
      f.justified =
          std::any_of(justifications.begin(), justifications.end(), [&](const Justification& j) {
            return j.field == span.field && j.text == span.text && !j.reason.empty();
          });
      f.span = std::move(span);
      out.push_back(std::move(f));
    }
  }
  return out;
}

CaseFields CaseService::fieldsOf(const CaseRecord& c) {
  CaseFields out;
  auto j = json::parse(c.fieldsJson, nullptr, false);
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it->is_string()) out[it.key()] = it->get<std::string>();
  return out;
}

CaseAuditRecord CaseService::auditRow(const MeetingAccess& a, int64_t caseId, std::string action,
                                      std::string detail) const {
  return CaseAuditRecord{
      0, caseId, meetings_.clock().wallMillis(), a.actor.key, std::move(action), std::move(detail)};
}

Status CaseService::checkAgendaItem(const MeetingAccess& a, std::optional<int64_t> agendaItemId) {
  if (!agendaItemId) return Ok{};
  auto items = meetings_.store().knowledge().agenda(a.meeting.id);
  if (!items) return items.error();
  for (const auto& it : *items)
    if (it.id == *agendaItemId) return Ok{};
  return validate::fieldError("agendaItemId", "not an agenda item of this meeting");
}

Result<CaseRecord> CaseService::load(const MeetingAccess& a, int64_t caseId) {
  auto c = meetings_.store().knowledge().caseById(caseId);
  if (!c) return c.error();
  if (!*c || (*c)->meetingId != a.meeting.id) return caseNotFound(caseId);
  return std::move(**c);
}

Result<CaseRecord> CaseService::create(const MeetingAccess& a, const CaseFields& fields,
                                       std::optional<int64_t> agendaItemId) {
  if (auto v = validateFields(fields); !v) return v.error();
  if (auto v = checkAgendaItem(a, agendaItemId); !v) return v.error();
  CaseRecord c;
  c.meetingId = a.meeting.id;
  c.agendaItemId = agendaItemId;
  c.author = a.actor.key;
  c.authorName = a.actor.name;
  c.status = "draft";
  c.fieldsJson = toJson(fields);
  c.justificationsJson = "[]";
  c.createdAtMs = c.updatedAtMs = meetings_.clock().wallMillis();
  auto id = meetings_.store().knowledge().createCase(c, auditRow(a, 0, "created", ""));
  if (!id) return id.error();
  c.id = *id;
  return c;
}

Result<CaseRecord> CaseService::update(const MeetingAccess& a, int64_t caseId,
                                       const CaseFields& fields,
                                       std::optional<int64_t> agendaItemId) {
  auto c = load(a, caseId);
  if (!c) return c;
  if (c->author != a.actor.key) return makeError("forbidden", "only the case's author may edit it");
  if (c->status != "draft" && c->status != "returned")
    return makeError("conflict", "a " + c->status + " case cannot be edited");
  if (auto v = validateFields(fields); !v) return v.error();
  if (auto v = checkAgendaItem(a, agendaItemId); !v) return v.error();
  // The audit names the fields that changed, never their contents (which may hold identifiers).
  CaseFields before = fieldsOf(*c);
  std::string changed;
  for (const auto& name : fieldNames()) {
    auto b = before.find(name);
    auto n = fields.find(name);
    std::string bv = b == before.end() ? "" : b->second, nv = n == fields.end() ? "" : n->second;
    if (bv != nv) changed += (changed.empty() ? "" : ",") + name;
  }
  c->fieldsJson = toJson(fields);
  c->agendaItemId = agendaItemId;
  c->status = "draft";
  c->updatedAtMs = meetings_.clock().wallMillis();
  auto st = meetings_.store().knowledge().updateCase(
      *c, auditRow(a, caseId, "updated", "fields: " + changed));
  if (!st) return st.error();
  return c;
}

Result<SubmitOutcome> CaseService::submit(const MeetingAccess& a, int64_t caseId,
                                          const std::vector<Justification>& justifications) {
  auto c = load(a, caseId);
  if (!c) return c.error();
  if (c->author != a.actor.key)
    return makeError("forbidden", "only the case's author may submit it");
  if (c->status != "draft")
    return makeError("conflict", "only a draft can be submitted (this one is " + c->status + ")");
  for (size_t i = 0; i < justifications.size(); ++i) {
    const auto& j = justifications[i];
    std::string f = "justifications[" + std::to_string(i) + "]";
    if (auto v = validate::text(f + ".reason", j.reason, 3, 500); !v) return v.error();
  }
  CaseFields fields = fieldsOf(*c);
  for (const char* required : {"ageBand", "sex", "presentation", "question"}) {
    if (fields[required].empty())
      return validate::fieldError(std::string("fields.") + required, "required before submission");
  }
  SubmitOutcome out;
  out.spans = check(fields, justifications);
  size_t open = std::count_if(out.spans.begin(), out.spans.end(),
                              [](const FlaggedSpan& s) { return !s.justified; });
  auto& kt = meetings_.store().knowledge();
  if (open > 0) {
    out.blocked = true;
    // The attempt is audited too; the detail counts spans by kind, never their text.
    std::map<std::string, int> byKind;
    for (const auto& s : out.spans)
      if (!s.justified) ++byKind[std::string(deid::kindName(s.span.kind))];
    std::string detail;
    for (const auto& [k, n] : byKind)
      detail += (detail.empty() ? "" : ",") + k + "=" + std::to_string(n);
    if (auto st = kt.appendAudit(auditRow(a, caseId, "submit_blocked", detail)); !st)
      return st.error();
    out.record = std::move(*c);
    return out;
  }
  // Keep only the justifications that matched a span: they are what a reviewer must read.
  std::vector<Justification> used;
  for (const auto& j : justifications) {
    bool matched = std::any_of(out.spans.begin(), out.spans.end(), [&](const FlaggedSpan& s) {
      return s.span.field == j.field && s.span.text == j.text;
    });
    if (matched) used.push_back(j);
  }
  c->justificationsJson = toJson(used);
  c->status = "submitted";
  c->returnReason.clear();
  c->updatedAtMs = meetings_.clock().wallMillis();
  auto st = kt.updateCase(
      *c, auditRow(a, caseId, "submitted", "justified spans: " + std::to_string(used.size())));
  if (!st) return st.error();
  out.record = std::move(*c);
  return out;
}

Result<CaseRecord> CaseService::review(const MeetingAccess& a, int64_t caseId,
                                       const std::string& decision, const std::string& reason) {
  if (!a.actor.host) return makeError("forbidden", "only a host may review a case");
  if (decision != "approve" && decision != "return")
    return validate::fieldError("decision", "\"approve\" or \"return\"");
  if (decision == "return") {
    if (auto v = validate::text("reason", reason, 3, 2000); !v) return v.error();
  }
  auto c = load(a, caseId);
  if (!c) return c;
  if (c->status != "submitted")
    return makeError("conflict",
                     "only a submitted case can be reviewed (this one is " + c->status + ")");
  c->status = decision == "approve" ? "approved" : "returned";
  c->returnReason = decision == "return" ? reason : "";
  c->updatedAtMs = meetings_.clock().wallMillis();
  auto st = meetings_.store().knowledge().updateCase(
      *c, auditRow(a, caseId, c->status, decision == "return" ? reason : ""));
  if (!st) return st.error();
  return c;
}

Result<bool> CaseService::visibleTo(const MeetingAccess& a, const CaseRecord& c) {
  if (a.actor.host || c.author == a.actor.key) return true;
  if (c.status != "approved" || !c.agendaItemId) return false;
  auto items = meetings_.store().knowledge().agenda(a.meeting.id);
  if (!items) return items.error();
  for (const auto& it : *items)
    if (it.id == *c.agendaItemId) return it.startedAtMs.has_value();
  return false;
}

Result<CaseRecord> CaseService::view(const MeetingAccess& a, int64_t caseId) {
  auto c = load(a, caseId);
  if (!c) return c;
  auto visible = visibleTo(a, *c);
  if (!visible) return visible.error();
  if (!*visible)
    return makeError("forbidden",
                     "this case is shown once it is approved and its agenda item starts");
  if (auto st = meetings_.store().knowledge().appendAudit(auditRow(a, caseId, "viewed", "")); !st)
    return st.error();
  return c;
}

Result<std::vector<CaseRecord>> CaseService::list(const MeetingAccess& a) {
  auto all = meetings_.store().knowledge().casesOf(a.meeting.id);
  if (!all) return all;
  std::vector<CaseRecord> out;
  for (auto& c : *all) {
    auto visible = visibleTo(a, c);
    if (!visible) return visible.error();
    if (!*visible) continue;
    c.fieldsJson.clear();
    c.justificationsJson.clear();
    out.push_back(std::move(c));
  }
  return out;
}

Result<CaseImageRecord> CaseService::addImage(const MeetingAccess& a, int64_t caseId,
                                              std::string_view bytes) {
  auto c = load(a, caseId);
  if (!c) return c.error();
  if (c->author != a.actor.key)
    return makeError("forbidden", "only the case's author may add images");
  if (c->status != "draft" && c->status != "returned")
    return makeError("conflict", "a " + c->status + " case cannot be edited");
  auto stripped = image::stripMetadata(bytes);
  if (!stripped) return stripped.error();
  CaseImageRecord img;
  img.caseId = caseId;
  img.mime = stripped->mime;
  img.data = std::move(stripped->bytes);
  img.size = static_cast<int64_t>(img.data.size());
  img.removedSegments = static_cast<int>(stripped->removed);
  img.createdAtMs = meetings_.clock().wallMillis();
  auto id = meetings_.store().knowledge().addCaseImage(
      img,
      auditRow(a, caseId, "image_added",
               img.mime + ", metadata segments removed: " + std::to_string(img.removedSegments)));
  if (!id) return id.error();
  img.id = *id;
  img.data.clear();
  return img;
}

Result<CaseImageRecord> CaseService::image(const MeetingAccess& a, int64_t caseId,
                                           int64_t imageId) {
  auto c = load(a, caseId);
  if (!c) return c.error();
  auto visible = visibleTo(a, *c);
  if (!visible) return visible.error();
  if (!*visible)
    return makeError("forbidden",
                     "this case is shown once it is approved and its agenda item starts");
  auto img = meetings_.store().knowledge().caseImage(caseId, imageId);
  if (!img) return img.error();
  if (!*img) return makeError("not_found", "no image " + std::to_string(imageId) + " in this case");
  auto st = meetings_.store().knowledge().appendAudit(
      auditRow(a, caseId, "image_viewed", "image " + std::to_string(imageId)));
  if (!st) return st.error();
  return std::move(**img);
}

Result<std::vector<CaseImageRecord>> CaseService::images(const MeetingAccess& a, int64_t caseId) {
  auto c = load(a, caseId);
  if (!c) return c.error();
  auto visible = visibleTo(a, *c);
  if (!visible) return visible.error();
  if (!*visible) return makeError("forbidden", "this case is not visible to you yet");
  return meetings_.store().knowledge().caseImages(caseId);
}

Result<std::vector<CaseAuditRecord>> CaseService::audit(const MeetingAccess& a, int64_t caseId) {
  if (!a.actor.host) return makeError("forbidden", "only a host may read the audit log");
  auto c = load(a, caseId);
  if (!c) return c.error();
  return meetings_.store().knowledge().auditOf(caseId);
}

}  // namespace rounds
