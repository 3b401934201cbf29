// Validation of the values people type (names, e-mail addresses, countries, languages, zones).
// Every failure is Error{"invalid_field", "<field>: <reason>"} so that the API can name the field.
// Threading: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rounds::validate {

inline constexpr const char* kInvalidField = "invalid_field";

Error fieldError(std::string_view field, std::string_view reason);

// Printable text (no control characters), trimmed length between min and max bytes.
Status text(std::string_view field, std::string_view value, size_t min, size_t max);
Status email(std::string_view field, std::string_view value);
Status country(std::string_view field, std::string_view value);   // ISO 3166-1 alpha-2
Status language(std::string_view field, std::string_view value);  // BCP 47 (RFC 5646 §2.1 shape)
Status timeZone(std::string_view field, std::string_view value);  // IANA tz database
Status password(std::string_view field, std::string_view value);

// Lower-cases ASCII (e-mail addresses are compared case-insensitively).
std::string asciiLower(std::string_view s);

}  // namespace rounds::validate
