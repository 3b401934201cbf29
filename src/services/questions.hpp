// QuestionService: questions during a meeting (named, or anonymous to the room but known to
// hosts), one upvote per person, moderation (merge duplicates, answer), and the FAQ they become:
// answered questions indexed with FTS5 across the series, searchable, exported as Markdown/CSV.
// Threading: control thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "services/meetings.hpp"

namespace rounds {

class QuestionService {
 public:
  explicit QuestionService(MeetingService& meetings) : meetings_(meetings) {}

  Result<QuestionRecord> ask(const MeetingAccess& a, const std::string& text, bool anonymous,
                             std::optional<int64_t> agendaItemId);
  // false when this person had already voted for it (the count does not change).
  Result<bool> upvote(const MeetingAccess& a, int64_t questionId);
  // Most votes first. For everyone but hosts an anonymous asker's name and key are blanked.
  Result<std::vector<QuestionRecord>> list(const MeetingAccess& a);
  // Host only.
  Status merge(const MeetingAccess& a, int64_t duplicateId, int64_t targetId);
  Result<QuestionRecord> answer(const MeetingAccess& a, int64_t questionId,
                                const std::string& text);

  // Series-wide FAQ (hosts and invitees of the series).
  Result<std::vector<FaqEntry>> search(int64_t seriesId, const Credentials& creds,
                                       const std::string& query, int limit);
  Result<std::vector<FaqEntry>> faq(int64_t seriesId, const Credentials& creds);

  static std::string toMarkdown(const std::string& seriesTitle, const std::vector<FaqEntry>& faq);
  // RFC 4180: CRLF line ends; fields with comma, quote, CR or LF quoted, quotes doubled.
  static std::string toCsv(const std::vector<FaqEntry>& faq);

 private:
  Result<QuestionRecord> load(const MeetingAccess& a, int64_t questionId);
  MeetingService& meetings_;
};

// Like validate::text, but line breaks and tabs are allowed (answers and case fields are prose).
Status multilineText(std::string_view field, std::string_view value, size_t min, size_t max);

// One CSV field per RFC 4180 §2 (quoted only when it must be). A leading = + - @ is prefixed
// with ' so that spreadsheets do not run it as a formula.
std::string csvField(std::string_view value);

}  // namespace rounds
