// Identifier check: flags text that likely identifies a patient (names, exact dates, phone
// numbers, ID/passport/record numbers, street addresses, e-mail addresses) in case fields.
// Threading: pure functions over their arguments; no I/O, no shared state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rounds::deid {

// These are heuristics, tuned to miss little in clinical case text: they will sometimes flag
// harmless text (the presenter then justifies it) and cannot promise to find every identifier
// (e.g. a bare surname with no title, label or known given name before it is not found).
enum class IdentifierKind { kName, kDate, kPhone, kIdNumber, kAddress, kEmail };

struct IdentifierSpan {
  std::string field;      // the case field the text came from
  size_t byteOffset = 0;  // into the UTF-8 text
  size_t byteLength = 0;
  size_t charOffset = 0;  // in Unicode code points (what a person counts)
  size_t charLength = 0;
  IdentifierKind kind = IdentifierKind::kName;
  std::string reason;  // why it was flagged, for a person
  std::string text;    // the flagged text itself
};

// "name", "date", "phone", "id_number", "address", "email".
std::string_view kindName(IdentifierKind kind);

// Every likely identifier in `text`, ordered by offset, non-overlapping. Accepts any bytes
// (invalid UTF-8 is counted one code point per bad byte). Years alone ("2020"), month and year
// ("March 2020") and age bands ("60-69") are not flagged.
std::vector<IdentifierSpan> findIdentifiers(std::string_view field, std::string_view text);

}  // namespace rounds::deid
