// Field validators. Threading: see validation.hpp.
#include "services/validation.hpp"

#include "services/schedule.hpp"

namespace rounds::validate {

namespace {
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isAlpha(c) || (c >= '0' && c <= '9'); }
}  // namespace

Error fieldError(std::string_view field, std::string_view reason) {
  return makeError(kInvalidField, std::string(field) + ": " + std::string(reason));
}

Status text(std::string_view field, std::string_view value, size_t min, size_t max) {
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f) return fieldError(field, "must not contain control characters");
  if (!value.empty() && (value.front() == ' ' || value.back() == ' '))
    return fieldError(field, "must not begin or end with a space");
  if (value.size() < min)
    return fieldError(field, min <= 1 ? "is required" : "must be at least " + std::to_string(min) + " characters");
  if (value.size() > max) return fieldError(field, "must be at most " + std::to_string(max) + " bytes");
  return Ok{};
}

Status email(std::string_view field, std::string_view value) {
  if (value.empty()) return fieldError(field, "is required");
  if (value.size() > 254) return fieldError(field, "must be at most 254 characters");
  const auto at = value.find('@');
  if (at == std::string_view::npos || at == 0 || value.find('@', at + 1) != std::string_view::npos)
    return fieldError(field, "must be one address of the form name@domain");
  const std::string_view domain = value.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.')
    return fieldError(field, "the domain must contain a dot, e.g. name@hospital.org");
  for (unsigned char c : value)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';')
      return fieldError(field, "must not contain spaces, quotes, commas or angle brackets");
  return Ok{};
}

Status country(std::string_view field, std::string_view value) {
  if (value.size() != 2 || value[0] < 'A' || value[0] > 'Z' || value[1] < 'A' || value[1] > 'Z')
    return fieldError(field, "must be an ISO 3166-1 alpha-2 code in capitals, e.g. CN, SG, US");
  return Ok{};
}

Status language(std::string_view field, std::string_view value) {
  // language (2-3 letters) then subtags of 1-8 letters or digits: "zh", "zh-CN", "zh-Hans-CN".
  const auto bad = [&] { return fieldError(field, "must be a BCP 47 language tag, e.g. en, zh-CN"); };
  if (value.empty() || value.size() > 35) return bad();
  size_t i = 0;
  while (i < value.size() && isAlpha(value[i])) ++i;
  if (i < 2 || i > 3) return bad();
  while (i < value.size()) {
    if (value[i] != '-') return bad();
    size_t j = ++i;
    while (j < value.size() && isAlnum(value[j])) ++j;
    if (j - i < 1 || j - i > 8) return bad();
    i = j;
  }
  return Ok{};
}

Status timeZone(std::string_view field, std::string_view value) {
  if (value.empty()) return fieldError(field, "is required");
  if (!schedule::findZone(value))
    return fieldError(field, "'" + std::string(value.substr(0, 64)) +
                                 "' is not a time zone of the IANA tz database, e.g. Asia/Shanghai");
  return Ok{};
}

Status password(std::string_view field, std::string_view value) {
  if (value.size() < 10) return fieldError(field, "must be at least 10 characters");
  if (value.size() > 256) return fieldError(field, "must be at most 256 bytes");
  return Ok{};
}

std::string asciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace rounds::validate
