// SQLite queries for meetings, agenda, cases, questions and the FAQ index (migration 3).
// Threading: see knowledge_tables.hpp.
#include "store/knowledge_tables.hpp"

#include <string>
#include <type_traits>

namespace rounds::sqlite {

namespace {

#define KT_TRY(expr)                              \
  do {                                            \
    if (auto r_ = (expr); !r_) return r_.error(); \
  } while (0)

// Binds one value of the kinds our records use.
template <typename T>
Status bindOne(Statement& st, int index, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return st.bind(index, std::string_view(v));
  } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
    return st.bind(index, v);
  } else {
    return st.bind(index, static_cast<int64_t>(v));
  }
}

// Prepares `sql` with ?1, ?2, ... bound to `args`.
template <typename... Args>
Result<Statement> prepared(Db& db, const std::string& sql, const Args&... args) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  int index = 1;
  Status ok = Ok{};
  ((ok = ok ? bindOne(*st, index++, args) : ok), ...);
  if (!ok) return ok.error();
  return st;
}

template <typename... Args>
Status run(Db& db, const std::string& sql, const Args&... args) {
  auto st = prepared(db, sql, args...);
  if (!st) return st.error();
  return st->run();
}

template <typename T, typename Read, typename... Args>
Result<std::vector<T>> rows(Db& db, Read read, const std::string& sql, const Args&... args) {
  auto st = prepared(db, sql, args...);
  if (!st) return st.error();
  std::vector<T> out;
  for (;;) {
    auto more = st->step();
    if (!more) return more.error();
    if (!*more) return out;
    out.push_back(read(*st));
  }
}

template <typename T>
Result<std::optional<T>> first(Result<std::vector<T>> all) {
  if (!all) return all.error();
  if (all->empty()) return std::optional<T>{};
  return std::optional<T>(std::move(all->front()));
}

// Runs `body` inside one transaction; commits only if it succeeded.
template <typename Body>
auto transaction(Db& db, Body body) -> decltype(body()) {
  Transaction tx(db);
  if (auto b = tx.begin(true); !b) return b.error();
  auto result = body();
  if (!result) return result;
  if (auto c = tx.commit(); !c) return c.error();
  return result;
}

const std::string kMeetingSelect =
    "SELECT id, series_id, title, starts_at_ms, duration_minutes, created_at_ms FROM meetings ";
MeetingRecord readMeeting(const Statement& st) {
  return MeetingRecord{st.columnInt64(0),
                       st.columnInt64(1),
                       st.columnText(2),
                       st.columnInt64(3),
                       static_cast<int>(st.columnInt64(4)),
                       st.columnInt64(5)};
}

const std::string kAgendaSelect =
    "SELECT id, meeting_id, position, title, presenter, minutes, started_at_ms, ended_at_ms "
    "FROM agenda_items ";
AgendaItemRecord readAgenda(const Statement& st) {
  AgendaItemRecord a;
  a.id = st.columnInt64(0);
  a.meetingId = st.columnInt64(1);
  a.position = static_cast<int>(st.columnInt64(2));
  a.title = st.columnText(3);
  a.presenter = st.columnText(4);
  a.minutes = static_cast<int>(st.columnInt64(5));
  a.startedAtMs = st.columnOptionalInt64(6);
  a.endedAtMs = st.columnOptionalInt64(7);
  return a;
}

const std::string kCaseSelect =
    "SELECT id, meeting_id, agenda_item_id, author, author_name, status, fields_json, "
    "justifications_json, return_reason, created_at_ms, updated_at_ms FROM cases ";
CaseRecord readCase(const Statement& st) {
  CaseRecord c;
  c.id = st.columnInt64(0);
  c.meetingId = st.columnInt64(1);
  c.agendaItemId = st.columnOptionalInt64(2);
  c.author = st.columnText(3);
  c.authorName = st.columnText(4);
  c.status = st.columnText(5);
  c.fieldsJson = st.columnText(6);
  c.justificationsJson = st.columnText(7);
  c.returnReason = st.columnText(8);
  c.createdAtMs = st.columnInt64(9);
  c.updatedAtMs = st.columnInt64(10);
  return c;
}

const std::string kQuestionSelect =
    "SELECT q.id, q.meeting_id, q.agenda_item_id, q.asker, q.asker_name, q.anonymous, q.text, "
    "q.status, q.merged_into, q.answer, q.answered_at_ms, q.created_at_ms, "
    "(SELECT COUNT(*) FROM question_votes v WHERE v.question_id = q.id) AS votes "
    "FROM questions q ";
QuestionRecord readQuestion(const Statement& st) {
  QuestionRecord q;
  q.id = st.columnInt64(0);
  q.meetingId = st.columnInt64(1);
  q.agendaItemId = st.columnOptionalInt64(2);
  q.asker = st.columnText(3);
  q.askerName = st.columnText(4);
  q.anonymous = st.columnInt64(5) != 0;
  q.text = st.columnText(6);
  q.status = st.columnText(7);
  q.mergedInto = st.columnOptionalInt64(8);
  q.answer = st.columnText(9);
  q.answeredAtMs = st.columnOptionalInt64(10);
  q.createdAtMs = st.columnInt64(11);
  q.votes = st.columnInt64(12);
  return q;
}

const std::string kFaqSelect =
    "SELECT q.id, m.id, m.series_id, m.title, m.starts_at_ms, f.topic, q.text, q.answer, "
    "q.answered_at_ms FROM faq_index f JOIN questions q ON q.id = f.rowid "
    "JOIN meetings m ON m.id = q.meeting_id ";
FaqEntry readFaq(const Statement& st) {
  FaqEntry e;
  e.questionId = st.columnInt64(0);
  e.meetingId = st.columnInt64(1);
  e.seriesId = st.columnInt64(2);
  e.meetingTitle = st.columnText(3);
  e.meetingStartsAtMs = st.columnInt64(4);
  e.topic = st.columnText(5);
  e.question = st.columnText(6);
  e.answer = st.columnText(7);
  e.answeredAtMs = st.columnInt64(8);
  return e;
}

Status insertAudit(Db& db, const CaseAuditRecord& a) {
  return run(
      db,
      "INSERT INTO case_audit(case_id, at_ms, actor, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
      a.caseId, a.atMs, a.actor, a.action, a.detail);
}

}  // namespace

std::string ftsQueryFor(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    size_t b = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i == b) break;
    if (!out.empty()) out += " AND ";
    out += '"';
    for (char c : text.substr(b, i - b)) {
      if (c == '"') out += '"';  // FTS5 strings double an embedded quote
      out += c;
    }
    out += '"';
  }
  return out;
}

namespace {

// Splits a query at blanks, as ftsQueryFor does.
template <typename Fn>
void forEachTerm(std::string_view text, Fn&& fn) {
  size_t i = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  while (i < text.size()) {
    while (i < text.size() && blank(text[i])) ++i;
    size_t b = i;
    while (i < text.size() && !blank(text[i])) ++i;
    if (i > b) fn(text.substr(b, i - b));
  }
}

std::string asciiFolded(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

bool ftsCanMatch(std::string_view text) {
  bool ok = true;
  forEachTerm(text, [&](std::string_view term) {
    size_t codePoints = 0;
    for (unsigned char c : term) codePoints += (c & 0xC0) != 0x80 ? 1 : 0;  // not a continuation
    if (codePoints < 3) ok = false;
  });
  return ok;
}

bool containsEveryTerm(std::string_view haystack, std::string_view query) {
  const std::string folded = asciiFolded(haystack);
  bool all = true;
  forEachTerm(query, [&](std::string_view term) {
    if (folded.find(asciiFolded(term)) == std::string::npos) all = false;
  });
  return all;
}

Result<int64_t> KnowledgeTables::createMeeting(const MeetingRecord& m) {
  return transaction(db_, [&]() -> Result<int64_t> {
    KT_TRY(
        run(db_,
            "INSERT INTO meetings(series_id, title, starts_at_ms, duration_minutes, created_at_ms) "
            "VALUES (?1, ?2, ?3, ?4, ?5)",
            m.seriesId, m.title, m.startsAtMs, m.durationMinutes, m.createdAtMs));
    return db_.lastInsertRowId();
  });
}

Result<std::optional<MeetingRecord>> KnowledgeTables::meeting(int64_t id) {
  return first(rows<MeetingRecord>(db_, readMeeting, kMeetingSelect + "WHERE id = ?1", id));
}

Result<std::vector<MeetingRecord>> KnowledgeTables::meetingsOf(int64_t seriesId) {
  return rows<MeetingRecord>(db_, readMeeting,
                             kMeetingSelect + "WHERE series_id = ?1 ORDER BY starts_at_ms, id",
                             seriesId);
}

Result<AgendaItemRecord> KnowledgeTables::addAgendaItem(const AgendaItemRecord& item) {
  return transaction(db_, [&]() -> Result<AgendaItemRecord> {
    auto pos = db_.prepare(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = ?1");
    if (!pos) return pos.error();
    KT_TRY(pos->bind(1, item.meetingId));
    auto has = pos->step();
    if (!has) return has.error();
    AgendaItemRecord stored = item;
    stored.position = static_cast<int>(pos->columnInt64(0));
    KT_TRY(run(db_,
               "INSERT INTO agenda_items(meeting_id, position, title, presenter, minutes) "
               "VALUES (?1, ?2, ?3, ?4, ?5)",
               stored.meetingId, stored.position, stored.title, stored.presenter, stored.minutes));
    stored.id = db_.lastInsertRowId();
    return stored;
  });
}

Result<std::vector<AgendaItemRecord>> KnowledgeTables::agenda(int64_t meetingId) {
  return rows<AgendaItemRecord>(
      db_, readAgenda, kAgendaSelect + "WHERE meeting_id = ?1 ORDER BY position", meetingId);
}

Status KnowledgeTables::reorderAgenda(int64_t meetingId, const std::vector<int64_t>& ids) {
  return transaction(db_, [&]() -> Status {
    // Negative positions first so that UNIQUE(meeting_id, position) holds at every step.
    KT_TRY(
        run(db_, "UPDATE agenda_items SET position = -position WHERE meeting_id = ?1", meetingId));
    for (size_t i = 0; i < ids.size(); ++i) {
      KT_TRY(run(db_, "UPDATE agenda_items SET position = ?3 WHERE meeting_id = ?1 AND id = ?2",
                 meetingId, ids[i], static_cast<int64_t>(i + 1)));
      if (db_.changes() == 0) return makeError("not_found", "agenda item is not in this meeting");
    }
    return Ok{};
  });
}

Result<bool> KnowledgeTables::startAgendaItem(int64_t meetingId, int64_t itemId, int64_t nowMs) {
  return transaction(db_, [&]() -> Result<bool> {
    KT_TRY(run(db_,
               "UPDATE agenda_items SET ended_at_ms = ?2 WHERE meeting_id = ?1 AND "
               "started_at_ms IS NOT NULL AND ended_at_ms IS NULL AND id <> ?3",
               meetingId, nowMs, itemId));
    KT_TRY(run(db_,
               "UPDATE agenda_items SET started_at_ms = ?3, ended_at_ms = NULL "
               "WHERE meeting_id = ?1 AND id = ?2",
               meetingId, itemId, nowMs));
    if (db_.changes() == 0) return makeError("not_found", "agenda item is not in this meeting");
    return true;
  });
}

Result<int64_t> KnowledgeTables::createCase(const CaseRecord& c, const CaseAuditRecord& audit) {
  return transaction(db_, [&]() -> Result<int64_t> {
    KT_TRY(run(db_,
               "INSERT INTO cases(meeting_id, agenda_item_id, author, author_name, status, "
               "fields_json, justifications_json, return_reason, created_at_ms, updated_at_ms) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
               c.meetingId, c.agendaItemId, c.author, c.authorName, c.status, c.fieldsJson,
               c.justificationsJson, c.returnReason, c.createdAtMs, c.updatedAtMs));
    int64_t id = db_.lastInsertRowId();
    CaseAuditRecord a = audit;
    a.caseId = id;
    KT_TRY(insertAudit(db_, a));
    return id;
  });
}

Result<std::optional<CaseRecord>> KnowledgeTables::caseById(int64_t id) {
  return first(rows<CaseRecord>(db_, readCase, kCaseSelect + "WHERE id = ?1", id));
}

Result<std::vector<CaseRecord>> KnowledgeTables::casesOf(int64_t meetingId) {
  return rows<CaseRecord>(db_, readCase, kCaseSelect + "WHERE meeting_id = ?1 ORDER BY id",
                          meetingId);
}

Status KnowledgeTables::updateCase(const CaseRecord& c, const CaseAuditRecord& audit) {
  return transaction(db_, [&]() -> Status {
    KT_TRY(run(db_,
               "UPDATE cases SET agenda_item_id = ?2, status = ?3, fields_json = ?4, "
               "justifications_json = ?5, return_reason = ?6, updated_at_ms = ?7 WHERE id = ?1",
               c.id, c.agendaItemId, c.status, c.fieldsJson, c.justificationsJson, c.returnReason,
               c.updatedAtMs));
    if (db_.changes() == 0) return makeError("not_found", "case not found");
    KT_TRY(insertAudit(db_, audit));
    return Ok{};
  });
}

Status KnowledgeTables::appendAudit(const CaseAuditRecord& audit) {
  return transaction(db_, [&]() -> Status { return insertAudit(db_, audit); });
}

Result<std::vector<CaseAuditRecord>> KnowledgeTables::auditOf(int64_t caseId) {
  return rows<CaseAuditRecord>(
      db_,
      [](const Statement& st) {
        return CaseAuditRecord{st.columnInt64(0), st.columnInt64(1), st.columnInt64(2),
                               st.columnText(3),  st.columnText(4),  st.columnText(5)};
      },
      "SELECT id, case_id, at_ms, actor, action, detail FROM case_audit WHERE case_id = ?1 "
      "ORDER BY id",
      caseId);
}

Result<int64_t> KnowledgeTables::addCaseImage(const CaseImageRecord& image,
                                              const CaseAuditRecord& audit) {
  return transaction(db_, [&]() -> Result<int64_t> {
    auto st = prepared(db_,
                       "INSERT INTO case_images(case_id, mime, removed_segments, created_at_ms, "
                       "data) VALUES (?1, ?2, ?3, ?4, ?5)",
                       image.caseId, image.mime, image.removedSegments, image.createdAtMs);
    if (!st) return st.error();
    KT_TRY(st->bindBlob(5, image.data));
    KT_TRY(st->run());
    int64_t id = db_.lastInsertRowId();
    KT_TRY(insertAudit(db_, audit));
    return id;
  });
}

namespace {

CaseImageRecord readImage(const Statement& st, bool withData) {
  CaseImageRecord r;
  r.id = st.columnInt64(0);
  r.caseId = st.columnInt64(1);
  r.mime = st.columnText(2);
  r.size = st.columnInt64(3);
  r.removedSegments = static_cast<int>(st.columnInt64(4));
  r.createdAtMs = st.columnInt64(5);
  if (withData) r.data = st.columnBlob(6);
  return r;
}

const std::string kImageSelect =
    "SELECT id, case_id, mime, length(data), removed_segments, created_at_ms, data "
    "FROM case_images ";

}  // namespace

Result<std::vector<CaseImageRecord>> KnowledgeTables::caseImages(int64_t caseId) {
  return rows<CaseImageRecord>(
      db_, [](const Statement& st) { return readImage(st, false); },
      kImageSelect + "WHERE case_id = ?1 ORDER BY id", caseId);
}

Result<std::optional<CaseImageRecord>> KnowledgeTables::caseImage(int64_t caseId, int64_t imageId) {
  return first(rows<CaseImageRecord>(
      db_, [](const Statement& st) { return readImage(st, true); },
      kImageSelect + "WHERE case_id = ?1 AND id = ?2", caseId, imageId));
}

Result<int64_t> KnowledgeTables::createQuestion(const QuestionRecord& q) {
  return transaction(db_, [&]() -> Result<int64_t> {
    KT_TRY(run(db_,
               "INSERT INTO questions(meeting_id, agenda_item_id, asker, asker_name, anonymous, "
               "text, status, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7)",
               q.meetingId, q.agendaItemId, q.asker, q.askerName, int64_t{q.anonymous ? 1 : 0},
               q.text, q.createdAtMs));
    return db_.lastInsertRowId();
  });
}

Result<std::optional<QuestionRecord>> KnowledgeTables::question(int64_t id) {
  return first(rows<QuestionRecord>(db_, readQuestion, kQuestionSelect + "WHERE q.id = ?1", id));
}

Result<std::vector<QuestionRecord>> KnowledgeTables::questionsOf(int64_t meetingId) {
  return rows<QuestionRecord>(db_, readQuestion,
                              kQuestionSelect +
                                  "WHERE q.meeting_id = ?1 AND q.status <> 'merged' "
                                  "ORDER BY votes DESC, q.created_at_ms, q.id",
                              meetingId);
}

Result<bool> KnowledgeTables::vote(int64_t questionId, const std::string& voter) {
  return transaction(db_, [&]() -> Result<bool> {
    KT_TRY(run(db_, "INSERT OR IGNORE INTO question_votes(question_id, voter) VALUES (?1, ?2)",
               questionId, voter));
    return db_.changes() > 0;
  });
}

Status KnowledgeTables::mergeQuestion(int64_t duplicateId, int64_t targetId) {
  return transaction(db_, [&]() -> Status {
    KT_TRY(run(db_,
               "INSERT OR IGNORE INTO question_votes(question_id, voter) "
               "SELECT ?2, voter FROM question_votes WHERE question_id = ?1",
               duplicateId, targetId));
    KT_TRY(run(db_, "DELETE FROM question_votes WHERE question_id = ?1", duplicateId));
    KT_TRY(run(db_, "UPDATE questions SET status = 'merged', merged_into = ?2 WHERE id = ?1",
               duplicateId, targetId));
    if (db_.changes() == 0) return makeError("not_found", "question not found");
    return Ok{};
  });
}

Status KnowledgeTables::answerQuestion(int64_t questionId, const std::string& answer, int64_t nowMs,
                                       const std::string& topic) {
  return transaction(db_, [&]() -> Status {
    KT_TRY(run(db_,
               "UPDATE questions SET status = 'answered', answer = ?2, answered_at_ms = ?3 "
               "WHERE id = ?1",
               questionId, answer, nowMs));
    if (db_.changes() == 0) return makeError("not_found", "question not found");
    KT_TRY(run(db_, "DELETE FROM faq_index WHERE rowid = ?1", questionId));
    KT_TRY(run(db_,
               "INSERT INTO faq_index(rowid, question, answer, topic) "
               "SELECT id, text, answer, ?2 FROM questions WHERE id = ?1",
               questionId, topic));
    return Ok{};
  });
}

Result<std::vector<FaqEntry>> KnowledgeTables::searchFaq(int64_t seriesId, const std::string& query,
                                                         int limit) {
  std::string match = ftsQueryFor(query);
  if (match.empty()) return std::vector<FaqEntry>{};
  if (ftsCanMatch(query)) {
    return rows<FaqEntry>(db_, readFaq,
                          kFaqSelect +
                              "WHERE faq_index MATCH ?1 AND m.series_id = ?2 "
                              "ORDER BY bm25(faq_index) LIMIT ?3",
                          match, seriesId, int64_t{limit});
  }
  // A term of one or two characters ("CT", "肺炎") has no trigram, so MATCH would find nothing:
  // every term must instead be a substring (ASCII case folded) of question, answer or topic.
  auto all = faqOf(seriesId);
  if (!all) return all;
  std::vector<FaqEntry> hits;
  for (auto it = all->rbegin(); it != all->rend() && std::ssize(hits) < limit; ++it) {
    if (containsEveryTerm(it->question + '\n' + it->answer + '\n' + it->topic, query))
      hits.push_back(std::move(*it));
  }
  return hits;
}

Result<std::vector<FaqEntry>> KnowledgeTables::faqOf(int64_t seriesId) {
  return rows<FaqEntry>(db_, readFaq,
                        kFaqSelect +
                            "WHERE m.series_id = ?1 ORDER BY m.starts_at_ms, "
                            "q.answered_at_ms, q.id",
                        seriesId);
}

}  // namespace rounds::sqlite
