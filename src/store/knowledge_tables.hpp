// KnowledgeTables: the SQLite side of meetings, agenda, cases (with audit log), questions, votes
// and the FTS5 FAQ index (migration 3). Every public method is one transaction.
// Threading: the thread that owns the Db (the control thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/knowledge_records.hpp"
#include "store/sqlite.hpp"

namespace rounds::sqlite {

class KnowledgeTables {
 public:
  explicit KnowledgeTables(Db& db) : db_(db) {}

  Result<int64_t> createMeeting(const MeetingRecord& m);
  Result<std::optional<MeetingRecord>> meeting(int64_t id);
  // Every meeting of a series, earliest start first.
  Result<std::vector<MeetingRecord>> meetingsOf(int64_t seriesId);

  // Appends at the end of the running order; returns the stored item.
  Result<AgendaItemRecord> addAgendaItem(const AgendaItemRecord& item);
  Result<std::vector<AgendaItemRecord>> agenda(int64_t meetingId);
  // Sets the running order to `ids` (every item of the meeting exactly once), in one transaction.
  Status reorderAgenda(int64_t meetingId, const std::vector<int64_t>& ids);
  // Ends the running item (if any) and starts `itemId` at nowMs; false if it is not in the meeting.
  Result<bool> startAgendaItem(int64_t meetingId, int64_t itemId, int64_t nowMs);

  // The case and its first audit row together.
  Result<int64_t> createCase(const CaseRecord& c, const CaseAuditRecord& audit);
  Result<std::optional<CaseRecord>> caseById(int64_t id);
  Result<std::vector<CaseRecord>> casesOf(int64_t meetingId);
  // Writes fields, justifications, status and reason together with the audit row.
  Status updateCase(const CaseRecord& c, const CaseAuditRecord& audit);
  Status appendAudit(const CaseAuditRecord& audit);
  Result<std::vector<CaseAuditRecord>> auditOf(int64_t caseId);

  // The image and its audit row together.
  Result<int64_t> addCaseImage(const CaseImageRecord& image, const CaseAuditRecord& audit);
  // Without their data.
  Result<std::vector<CaseImageRecord>> caseImages(int64_t caseId);
  Result<std::optional<CaseImageRecord>> caseImage(int64_t caseId, int64_t imageId);

  Result<int64_t> createQuestion(const QuestionRecord& q);
  Result<std::optional<QuestionRecord>> question(int64_t id);
  // Not merged ones; most votes first, then oldest first.
  Result<std::vector<QuestionRecord>> questionsOf(int64_t meetingId);
  // false if this voter already voted for it.
  Result<bool> vote(int64_t questionId, const std::string& voter);
  // Marks `duplicateId` merged into `targetId` and carries its votes over (one vote per voter).
  Status mergeQuestion(int64_t duplicateId, int64_t targetId);
  // Stores the answer and (re)indexes the question in the FAQ (its series is its meeting's).
  Status answerQuestion(int64_t questionId, const std::string& answer, int64_t nowMs,
                        const std::string& topic);
  // Full-text search (FTS5 trigram) of answered questions of a series, best match first.
  // A query with a word under 3 characters is matched by substring instead, newest answer first.
  Result<std::vector<FaqEntry>> searchFaq(int64_t seriesId, const std::string& query, int limit);
  // Every answered question of a series, by meeting time then answer time.
  Result<std::vector<FaqEntry>> faqOf(int64_t seriesId);

 private:
  Db& db_;
};

// The FTS5 MATCH expression for free text: each whitespace-separated word becomes a quoted
// string (so that no user input is read as FTS5 syntax), joined by AND. Empty if no words.
std::string ftsQueryFor(std::string_view text);
// Whether every word has 3+ code points: the trigram tokenizer finds nothing for a shorter one.
bool ftsCanMatch(std::string_view text);
// Whether every word of `query` occurs in `haystack` (ASCII letters case-folded): the search for
// queries with a short word.
bool containsEveryTerm(std::string_view haystack, std::string_view query);

}  // namespace rounds::sqlite
