// CaseService: de-identified case presentations. Template fields, the identifier check before
// submission (each flagged span fixed or justified), review by a host (draft → submitted →
// approved | returned), visibility in the room (approved, its agenda item started, participants of
// the series only) and an audit row for every view and change.
// Threading: control thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/identifier_check.hpp"
#include "services/meetings.hpp"

namespace rounds {

// The template: ageBand, sex, history, presentation, imaging, laboratory, treatment, outcome,
// question (see kCaseFields in cases.cpp).
using CaseFields = std::map<std::string, std::string>;

// The presenter's reason to keep a flagged span: matched by field and the flagged text.
struct Justification {
  std::string field;
  std::string text;
  std::string reason;
};

struct FlaggedSpan {
  deid::IdentifierSpan span;
  bool justified = false;
};

struct SubmitOutcome {
  bool blocked = false;            // at least one span is neither fixed nor justified
  std::vector<FlaggedSpan> spans;  // every flagged span, justified or not
  CaseRecord record;
};

class CaseService {
 public:
  explicit CaseService(MeetingService& meetings) : meetings_(meetings) {}

  static const std::vector<std::string>& fieldNames();
  // Checks names and values (unknown field, age band shape, sex, lengths): invalid_field.
  static Status validateFields(const CaseFields& fields);
  // The identifier check over every field, with `justifications` applied.
  static std::vector<FlaggedSpan> check(const CaseFields& fields,
                                        const std::vector<Justification>& justifications);

  Result<CaseRecord> create(const MeetingAccess& a, const CaseFields& fields,
                            std::optional<int64_t> agendaItemId);
  // Author only, while draft or returned (a returned case goes back to draft).
  Result<CaseRecord> update(const MeetingAccess& a, int64_t caseId, const CaseFields& fields,
                            std::optional<int64_t> agendaItemId);
  Result<SubmitOutcome> submit(const MeetingAccess& a, int64_t caseId,
                               const std::vector<Justification>& justifications);
  // Host only, on a submitted case: "approve" or "return" (with a reason).
  Result<CaseRecord> review(const MeetingAccess& a, int64_t caseId, const std::string& decision,
                            const std::string& reason);
  // A view (audited). Hosts and the author always; other participants once approved and its
  // agenda item has started.
  Result<CaseRecord> view(const MeetingAccess& a, int64_t caseId);
  // Cases this actor may see (without their fields).
  Result<std::vector<CaseRecord>> list(const MeetingAccess& a);
  Result<std::vector<CaseAuditRecord>> audit(const MeetingAccess& a, int64_t caseId);

  // Author only, while draft or returned: strips metadata (image_strip.hpp) before storing.
  Result<CaseImageRecord> addImage(const MeetingAccess& a, int64_t caseId, std::string_view bytes);
  // Visible as the case is (audited as image_viewed).
  Result<CaseImageRecord> image(const MeetingAccess& a, int64_t caseId, int64_t imageId);
  Result<std::vector<CaseImageRecord>> images(const MeetingAccess& a, int64_t caseId);

  static CaseFields fieldsOf(const CaseRecord& c);

 private:
  Result<CaseRecord> load(const MeetingAccess& a, int64_t caseId);
  Result<bool> visibleTo(const MeetingAccess& a, const CaseRecord& c);
  Status checkAgendaItem(const MeetingAccess& a, std::optional<int64_t> agendaItemId);
  CaseAuditRecord auditRow(const MeetingAccess& a, int64_t caseId, std::string action,
                           std::string detail) const;

  MeetingService& meetings_;
};

}  // namespace rounds
