// QuestionService: Q&A, moderation and the FAQ (see questions.hpp).
// Threading: see questions.hpp.
#include "services/questions.hpp"

#include "services/validation.hpp"
#include "store/knowledge_tables.hpp"

namespace rounds {

namespace {

Status requireHost(const Actor& actor) {
  if (!actor.host) return makeError("forbidden", "only a host may moderate questions");
  return Ok{};
}

std::string isoUtc(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%MZ", &tm);
  return buf;
}

// One line of Markdown text: line breaks become spaces, and characters that would start
// markup are escaped.
std::string mdInline(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += ' ';
      continue;
    }
    if (c == '\\' || c == '*' || c == '_' || c == '`' || c == '#' || c == '[' || c == ']' ||
        c == '<' || c == '>' || c == '|')
      out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Status multilineText(std::string_view field, std::string_view value, size_t min, size_t max) {
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7F)
      return validate::fieldError(field, "must not contain control characters");
  }
  size_t b = value.find_first_not_of(" \t\r\n");
  size_t len = b == std::string_view::npos ? 0 : value.find_last_not_of(" \t\r\n") - b + 1;
  if (len < min)
    return validate::fieldError(field, min == 1 ? "must not be empty" : "is too short");
  if (value.size() > max)
    return validate::fieldError(field, "is too long (at most " + std::to_string(max) + " bytes)");
  return Ok{};
}

std::string csvField(std::string_view value) {
  std::string v;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@'))
    v = "'";
  v.append(value);
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Result<QuestionRecord> QuestionService::ask(const MeetingAccess& a, const std::string& text,
                                            bool anonymous, std::optional<int64_t> agendaItemId) {
  if (auto v = multilineText("text", text, 3, 2000); !v) return v.error();
  if (agendaItemId) {
    auto items = meetings_.store().knowledge().agenda(a.meeting.id);
    if (!items) return items.error();
    bool found = std::any_of(items->begin(), items->end(),
                             [&](const AgendaItemRecord& it) { return it.id == *agendaItemId; });
    if (!found) return validate::fieldError("agendaItemId", "not an agenda item of this meeting");
  }
  QuestionRecord q;
  q.meetingId = a.meeting.id;
  q.agendaItemId = agendaItemId;
  q.asker = a.actor.key;
  q.askerName = a.actor.name;
  q.anonymous = anonymous;
  q.text = text;
  q.status = "open";
  q.createdAtMs = meetings_.clock().wallMillis();
  auto id = meetings_.store().knowledge().createQuestion(q);
  if (!id) return id.error();
  q.id = *id;
  return q;
}

Result<QuestionRecord> QuestionService::load(const MeetingAccess& a, int64_t questionId) {
  auto q = meetings_.store().knowledge().question(questionId);
  if (!q) return q.error();
  if (!*q || (*q)->meetingId != a.meeting.id)
    return makeError("not_found", "no question " + std::to_string(questionId) + " in this meeting");
  return std::move(**q);
}

Result<bool> QuestionService::upvote(const MeetingAccess& a, int64_t questionId) {
  auto q = load(a, questionId);
  if (!q) return q.error();
  if (q->status == "merged") return makeError("conflict", "this question was merged into another");
  return meetings_.store().knowledge().vote(questionId, a.actor.key);
}

Result<std::vector<QuestionRecord>> QuestionService::list(const MeetingAccess& a) {
  auto all = meetings_.store().knowledge().questionsOf(a.meeting.id);
  if (!all) return all;
  if (!a.actor.host) {
    for (auto& q : *all) {
      if (q.anonymous && q.asker != a.actor.key) {
        q.askerName.clear();
        q.asker.clear();
      }
    }
  }
  return all;
}

Status QuestionService::merge(const MeetingAccess& a, int64_t duplicateId, int64_t targetId) {
  if (auto h = requireHost(a.actor); !h) return h;
  if (duplicateId == targetId)
    return validate::fieldError("into", "a question cannot merge into itself");
  auto dup = load(a, duplicateId);
  if (!dup) return dup.error();
  auto target = load(a, targetId);
  if (!target) return validate::fieldError("into", "no such question in this meeting");
  if (dup->status == "merged") return makeError("conflict", "already merged");
  if (target->status == "merged")
    return validate::fieldError("into", "that question was itself merged");
  return meetings_.store().knowledge().mergeQuestion(duplicateId, targetId);
}

Result<QuestionRecord> QuestionService::answer(const MeetingAccess& a, int64_t questionId,
                                               const std::string& text) {
  if (auto h = requireHost(a.actor); !h) return h.error();
  if (auto v = multilineText("answer", text, 1, 8000); !v) return v.error();
  auto q = load(a, questionId);
  if (!q) return q;
  if (q->status == "merged") return makeError("conflict", "answer the question it was merged into");
  // The topic is the agenda item it was asked under, else the meeting's title.
  std::string topic = a.meeting.title;
  if (q->agendaItemId) {
    auto items = meetings_.store().knowledge().agenda(a.meeting.id);
    if (!items) return items.error();
    for (const auto& it : *items)
      if (it.id == *q->agendaItemId) topic = it.title;
  }
  auto st = meetings_.store().knowledge().answerQuestion(questionId, text,
                                                         meetings_.clock().wallMillis(), topic);
  if (!st) return st.error();
  return load(a, questionId);
}

Result<std::vector<FaqEntry>> QuestionService::search(int64_t seriesId, const Credentials& creds,
                                                      const std::string& query, int limit) {
  auto sa = meetings_.seriesAccess(seriesId, creds);
  if (!sa) return sa.error();
  if (auto v = validate::text("q", query, 1, 200); !v) return v.error();
  if (limit < 1 || limit > 100) return validate::fieldError("limit", "1 to 100");
  return meetings_.store().knowledge().searchFaq(seriesId, query, limit);
}

Result<std::vector<FaqEntry>> QuestionService::faq(int64_t seriesId, const Credentials& creds) {
  auto sa = meetings_.seriesAccess(seriesId, creds);
  if (!sa) return sa.error();
  return meetings_.store().knowledge().faqOf(seriesId);
}

std::string QuestionService::toMarkdown(const std::string& seriesTitle,
                                        const std::vector<FaqEntry>& faq) {
  std::string out = "# FAQ: " + mdInline(seriesTitle) + "\n";
  int64_t lastMeeting = -1;
  for (const auto& e : faq) {
    if (e.meetingId != lastMeeting) {
      out += "\n## " + mdInline(e.meetingTitle) + " (" + isoUtc(e.meetingStartsAtMs) + ")\n";
      lastMeeting = e.meetingId;
    }
    out += "\n### " + mdInline(e.question) + "\n\n";
    out += "*Topic: " + mdInline(e.topic) + "; answered " + isoUtc(e.answeredAtMs) + "*\n\n";
    // The answer keeps its paragraphs; each line is escaped on its own.
    size_t start = 0;
    while (start <= e.answer.size()) {
      size_t nl = e.answer.find('\n', start);
      std::string_view line = std::string_view(e.answer).substr(
          start, nl == std::string::npos ? std::string::npos : nl - start);
      out += mdInline(line) + "\n";
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  return out;
}

std::string QuestionService::toCsv(const std::vector<FaqEntry>& faq) {
  std::string out =
      "question_id,meeting_id,meeting,meeting_start_utc,topic,question,answer,answered_at_utc\r\n";
  for (const auto& e : faq) {
    out += std::to_string(e.questionId) + "," + std::to_string(e.meetingId) + "," +
           csvField(e.meetingTitle) + "," + isoUtc(e.meetingStartsAtMs) + "," + csvField(e.topic) +
           "," + csvField(e.question) + "," + csvField(e.answer) + "," + isoUtc(e.answeredAtMs) +
           "\r\n";
  }
  return out;
}

}  // namespace rounds
