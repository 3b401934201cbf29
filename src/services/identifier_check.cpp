// Heuristic detectors for patient identifiers in free text (see identifier_check.hpp).
// Each detector proposes candidate spans; the highest-priority non-overlapping ones are kept.
// Threading: see identifier_check.hpp.
#include "services/identifier_check.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace rounds::deid {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isAlpha(char c) { return isUpper(c) || isLower(c); }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }
char lower(char c) { return isUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

struct Candidate {
  size_t begin;
  size_t end;
  IdentifierKind kind;
  int priority;  // lower wins when spans overlap
  std::string reason;
};

// A view of the text with bounds-checked access (0 past either end).
class Text {
 public:
  explicit Text(std::string_view s) : s_(s) {}
  size_t size() const { return s_.size(); }
  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }
  char before(size_t i) const { return i > 0 && i <= s_.size() ? s_[i - 1] : '\0'; }
  std::string_view view() const { return s_; }
  size_t digitsFrom(size_t i) const {
    size_t j = i;
    while (isDigit(at(j))) ++j;
    return j - i;
  }
  size_t spacesFrom(size_t i) const {
    size_t j = i;
    while (at(j) == ' ') ++j;
    return j - i;
  }
  // ASCII case-insensitive match of `word` at i.
  bool matchesAt(size_t i, std::string_view word) const {
    if (i + word.size() > s_.size()) return false;
    for (size_t k = 0; k < word.size(); ++k)
      if (lower(s_[i + k]) != lower(word[k])) return false;
    return true;
  }
  bool bytesAt(size_t i, std::string_view bytes) const {
    return i + bytes.size() <= s_.size() && s_.substr(i, bytes.size()) == bytes;
  }
  // A word (ASCII letters) starting at i; empty if none.
  std::string_view wordAt(size_t i) const {
    size_t j = i;
    while (isAlpha(at(j))) ++j;
    return s_.substr(std::min(i, s_.size()), j - i);
  }

 private:
  std::string_view s_;
};

// Decodes one UTF-8 code point at i; returns its byte length (1 for an invalid byte, cp=0xFFFD).
size_t decodeAt(std::string_view s, size_t i, uint32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    cp = 0xFFFD;
    return 1;
  }
  cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      cp = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (c & 0x3Fu);
  }
  return len;
}

bool isHan(uint32_t cp) { return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF); }

// Lower-cased copy of up to `n` bytes before i (for keyword look-behind).
std::string lookBehind(const Text& t, size_t i, size_t n) {
  size_t from = i > n ? i - n : 0;
  std::string out;
  for (size_t k = from; k < i; ++k) out.push_back(lower(t.at(k)));
  return out;
}

// --- e-mail addresses ----------------------------------------------------------------------

bool isLocalPart(char c) {
  return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool isDomainChar(char c) { return isAlnum(c) || c == '.' || c == '-'; }

void findEmails(const Text& t, std::vector<Candidate>& out) {
  for (size_t at = 0; at < t.size(); ++at) {
    if (t.at(at) != '@') continue;
    size_t b = at;
    while (b > 0 && isLocalPart(t.at(b - 1))) --b;
    size_t e = at + 1;
    while (isDomainChar(t.at(e))) ++e;
    while (e > at + 1 && (t.at(e - 1) == '.' || t.at(e - 1) == '-')) --e;
    if (b == at || e == at + 1) continue;
    std::string_view domain = t.view().substr(at + 1, e - at - 1);
    size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || domain.size() - dot - 1 < 2) continue;
    out.push_back({b, e, IdentifierKind::kEmail, 0, "e-mail address"});
  }
}

// --- exact dates ----------------------------------------------------------------------------

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// Length of a month name (full, 3-letter, or "sept") at i, 0 if none.
size_t monthAt(const Text& t, size_t i) {
  if (isAlpha(t.before(i))) return 0;
  std::string_view w = t.wordAt(i);
  if (w.size() < 3) return 0;
  std::string lw;
  for (char c : w) lw.push_back(lower(c));
  for (auto m : kMonths) {
    if (lw == m || lw == m.substr(0, 3) || (m == "september" && lw == "sept")) return w.size();
  }
  return 0;
}

bool validDayMonth(int d, int m) { return d >= 1 && d <= 31 && m >= 1 && m <= 12; }

// The value of a run of ASCII digits; -1 for more than 9 of them (no date field has that many,
// and more could overflow an int: found by identifier_fuzz).
int toInt(std::string_view s) {
  if (s.size() > 9) return -1;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// 1–2 digit day with optional st/nd/rd/th; returns bytes consumed or 0.
size_t dayAt(const Text& t, size_t i, int& day) {
  size_t n = t.digitsFrom(i);
  if (n < 1 || n > 2) return 0;
  day = toInt(t.view().substr(i, n));
  size_t j = i + n;
  for (std::string_view suf : {"st", "nd", "rd", "th"})
    if (t.matchesAt(j, suf) && !isAlpha(t.at(j + 2))) return n + 2;
  if (isAlpha(t.at(j))) return 0;
  return n;
}

// A 4-digit year at i (after optional spaces/comma) not followed by another digit; returns end.
size_t yearEnd(const Text& t, size_t i) {
  if (t.at(i) == ',') ++i;
  i += t.spacesFrom(i);
  if (t.digitsFrom(i) != 4 || isAlpha(t.at(i + 4))) return 0;
  int y = toInt(t.view().substr(i, 4));
  if (y < 1900 || y > 2100) return 0;
  return i + 4;
}

void findDates(const Text& t, std::vector<Candidate>& out) {
  for (size_t i = 0; i < t.size(); ++i) {
    bool wordStart = !isAlnum(t.before(i));
    if (!wordStart) continue;
    if (isDigit(t.at(i))) {
      // Numeric: Y-M-D, D/M/Y or M/D/Y with one separator kind.
      size_t a = t.digitsFrom(i);
      char sep = t.at(i + a);
      if ((sep == '-' || sep == '/' || sep == '.') && a >= 1 && a <= 4) {
        size_t bStart = i + a + 1;
        size_t b = t.digitsFrom(bStart);
        if (b >= 1 && b <= 2 && t.at(bStart + b) == sep) {
          size_t cStart = bStart + b + 1;
          size_t c = t.digitsFrom(cStart);
          size_t end = cStart + c;
          bool clean = !isAlnum(t.at(end));
          int va = toInt(t.view().substr(i, a)), vb = toInt(t.view().substr(bStart, b)),
              vc = toInt(t.view().substr(cStart, c));
          if (clean && a == 4 && c >= 1 && c <= 2 && validDayMonth(vc, vb)) {
            out.push_back({i, end, IdentifierKind::kDate, 1, "exact date (year-month-day)"});
            continue;
          }
          if (clean && a <= 2 && c == 4 && (validDayMonth(va, vb) || validDayMonth(vb, va))) {
            out.push_back({i, end, IdentifierKind::kDate, 1, "exact date (day/month/year)"});
            continue;
          }
          if (clean && a <= 2 && c == 2 && sep == '/' &&
              (validDayMonth(va, vb) || validDayMonth(vb, va))) {
            out.push_back({i, end, IdentifierKind::kDate, 1, "exact date (day/month/year)"});
            continue;
          }
        }
      }
      // Chinese: 2020年1月15日 (or 号); year and month alone are not flagged.
      if (a == 4 && t.bytesAt(i + 4, "年")) {
        size_t j = i + 4 + 3;
        size_t m = t.digitsFrom(j);
        if (m >= 1 && m <= 2 && t.bytesAt(j + m, "月")) {
          size_t k = j + m + 3;
          size_t d = t.digitsFrom(k);
          if (d >= 1 && d <= 2 && (t.bytesAt(k + d, "日") || t.bytesAt(k + d, "号"))) {
            out.push_back({i, k + d + 3, IdentifierKind::kDate, 1, "exact date (年月日)"});
            continue;
          }
        }
      }
      // 12 March 2020, 12th of March, 2020
      int day = 0;
      if (size_t dn = dayAt(t, i, day); dn > 0 && day >= 1 && day <= 31) {
        size_t j = i + dn;
        size_t sp = t.spacesFrom(j);
        if (sp > 0) {
          j += sp;
          if (t.matchesAt(j, "of ")) j += 3;
          if (size_t mn = monthAt(t, j); mn > 0) {
            j += mn;
            if (t.at(j) == '.') ++j;
            if (size_t ye = yearEnd(t, j); ye > 0) {
              out.push_back({i, ye, IdentifierKind::kDate, 1, "exact date (day month year)"});
              continue;
            }
          }
        }
      }
    } else if (size_t mn = monthAt(t, i); mn > 0) {
      // March 12, 2020
      size_t j = i + mn;
      if (t.at(j) == '.') ++j;
      size_t sp = t.spacesFrom(j);
      int day = 0;
      size_t dn = sp > 0 ? dayAt(t, j + sp, day) : 0;
      if (dn > 0 && day >= 1 && day <= 31) {
        if (size_t ye = yearEnd(t, j + sp + dn); ye > 0)
          out.push_back({i, ye, IdentifierKind::kDate, 1, "exact date (month day year)"});
      }
    }
  }
}

// --- ID, passport and record numbers --------------------------------------------------------

constexpr std::array<std::string_view, 24> kIdKeywords = {"mrn",
                                                          "medical record",
                                                          "record number",
                                                          "record no",
                                                          "hospital number",
                                                          "hospital no",
                                                          "patient id",
                                                          "id no",
                                                          "id number",
                                                          "passport",
                                                          "nhs",
                                                          "ssn",
                                                          "social security",
                                                          "insurance",
                                                          "case number",
                                                          "admission no",
                                                          "身份证",
                                                          "病历号",
                                                          "病案号",
                                                          "住院号",
                                                          "门诊号",
                                                          "护照",
                                                          "医保",
                                                          "证件号"};

// The keyword (if any) in the look-behind window; "id" only as a whole word.
std::string_view idKeywordBefore(const Text& t, size_t i) {
  std::string lb = lookBehind(t, i, 24);
  for (auto k : kIdKeywords)
    if (lb.find(k) != std::string::npos) return k;
  for (size_t p = lb.find("id"); p != std::string::npos; p = lb.find("id", p + 1)) {
    bool left = p == 0 || !isAlpha(lb[p - 1]);
    bool right = p + 2 >= lb.size() || !isAlpha(lb[p + 2]);
    if (left && right) return "ID";
  }
  return {};
}

void findIdNumbers(const Text& t, std::vector<Candidate>& out) {
  for (size_t i = 0; i < t.size();) {
    if (!isAlnum(t.at(i)) || isAlnum(t.before(i))) {
      ++i;
      continue;
    }
    // A token of letters/digits with inner '-' or '/' joining alphanumerics.
    size_t e = i;
    size_t digits = 0, letters = 0, leadLetters = 0;
    bool inLead = true;
    while (true) {
      char c = t.at(e);
      if (isDigit(c)) {
        ++digits;
        inLead = false;
      } else if (isAlpha(c)) {
        ++letters;
        if (inLead) ++leadLetters;
      } else if ((c == '-') && isAlnum(t.at(e + 1)) && e > i) {
        inLead = false;
      } else {
        break;
      }
      ++e;
    }
    std::string_view tok = t.view().substr(i, e - i);
    std::string reason;
    bool allDigits = digits == tok.size();
    if ((digits == 18 || (digits == 17 && (tok.back() == 'X' || tok.back() == 'x'))) &&
        tok.size() == 18) {
      reason = "Chinese resident identity number shape (18 characters)";
    } else if (tok.size() == 11 && tok[3] == '-' && tok[6] == '-' && digits == 9) {
      reason = "social security number shape (3-2-4 digits)";
    } else if (leadLetters >= 1 && leadLetters <= 2 && letters == leadLetters && digits >= 6 &&
               digits <= 9 && tok.size() == leadLetters + digits) {
      reason = "passport-like shape (letters then 6-9 digits)";
    } else if (digits >= 4 && !idKeywordBefore(t, i).empty()) {
      reason = "number after the keyword \"" + std::string(idKeywordBefore(t, i)) + "\"";
    } else if (allDigits && digits >= 8) {
      reason = "long digit run (8 or more digits)";
    }
    // A number the text itself calls an ID outranks a phone-like shape; a bare shape does not.
    int priority = reason.rfind("number after", 0) == 0 ? 2 : 4;
    if (!reason.empty()) out.push_back({i, e, IdentifierKind::kIdNumber, priority, reason});
    i = e;
  }
}

// --- phone numbers --------------------------------------------------------------------------

constexpr std::array<std::string_view, 11> kPhoneKeywords = {
    "phone", "tel", "mobile", "cell", "fax", "call", "contact", "电话", "手机", "联系", "座机"};

void findPhones(const Text& t, std::vector<Candidate>& out) {
  for (size_t i = 0; i < t.size(); ++i) {
    char c0 = t.at(i);
    if (!(c0 == '+' || c0 == '(' || isDigit(c0)) || isAlnum(t.before(i)) || t.before(i) == '.' ||
        t.before(i) == '+')
      continue;
    size_t j = i + (c0 == '+' ? 1 : 0);
    size_t digitEnd = j;
    std::vector<size_t> groups;
    size_t cur = 0;
    bool hasDot = false, hasParen = false;
    int seps = 0;
    while (true) {
      char c = t.at(j);
      if (j - i > 32) break;  // longer than any phone number: stop (keeps the scan linear)
      if (isDigit(c)) {
        ++cur;
        digitEnd = j + 1;
        seps = 0;
      } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
        if (++seps > 2) break;
        if (c == '.') hasDot = true;
        if (c == '(' || c == ')') hasParen = true;
        if (cur > 0) groups.push_back(cur);
        cur = 0;
      } else {
        break;
      }
      ++j;
    }
    if (cur > 0) groups.push_back(cur);
    if (groups.empty() || isAlpha(t.at(digitEnd))) continue;
    size_t digits = 0;
    for (size_t g : groups) digits += g;
    size_t end = digitEnd;
    std::string_view firstDigits = t.view().substr(c0 == '+' ? i + 1 : (c0 == '(' ? i + 1 : i));
    std::string reason;
    if (c0 == '+' && digits >= 8 && digits <= 15) {
      reason = "international phone number (+ and 8-15 digits)";
    } else if (digits >= 7 && digits <= 15 && [&] {
                 std::string lb = lookBehind(t, i, 24);
                 for (auto k : kPhoneKeywords)
                   if (lb.find(k) != std::string::npos) return true;
                 return false;
               }()) {
      reason = "number after a phone keyword";
    } else if (digits == 11 && groups.size() <= 3 && !hasDot && firstDigits.size() > 1 &&
               firstDigits[0] == '1' && firstDigits[1] >= '3' && firstDigits[1] <= '9') {
      reason = "Chinese mobile number shape (11 digits starting 13-19)";
    } else if (digits >= 7 && digits <= 12 && groups.size() >= 2 && !hasDot && groups.back() >= 4 &&
               groups[groups.size() - 2] >= 3) {
      reason = hasParen ? "local phone number shape with area code" : "local phone number shape";
    }
    if (reason.empty()) continue;
    out.push_back({i, end, IdentifierKind::kPhone, 3, reason});
    i = end - 1;
  }
}

// --- street addresses -----------------------------------------------------------------------

constexpr std::array<std::string_view, 19> kStreetSuffixes = {
    "street",  "st",        "road",    "rd",    "avenue", "ave",   "lane",
    "ln",      "boulevard", "blvd",    "drive", "way",    "court", "place",
    "terrace", "crescent",  "highway", "close", "square"};

bool isStreetSuffix(std::string_view w) {
  std::string lw;
  for (char c : w) lw.push_back(lower(c));
  for (auto s : kStreetSuffixes)
    if (lw == s) return true;
  return false;
}

void findAddresses(const Text& t, std::vector<Candidate>& out) {
  std::string_view s = t.view();
  for (size_t i = 0; i < t.size(); ++i) {
    // "221B Baker Street": number, 1-4 capitalised words, a street suffix.
    if (isDigit(t.at(i)) && !isAlnum(t.before(i))) {
      size_t n = t.digitsFrom(i);
      if (n > 5) continue;
      size_t j = i + n;
      if (isAlpha(t.at(j)) && !isAlpha(t.at(j + 1))) ++j;
      for (int words = 0; words < 5 && t.at(j) == ' '; ++words) {
        j += t.spacesFrom(j);
        std::string_view w = t.wordAt(j);
        if (w.empty() || !isUpper(w[0])) break;
        if (words > 0 && isStreetSuffix(w)) {
          size_t end = j + w.size() + (t.at(j + w.size()) == '.' ? 1 : 0);
          out.push_back({i, end, IdentifierKind::kAddress, 5, "house number and street name"});
          break;
        }
        j += w.size();
      }
    }
    // "解放大道1095号": Han street name ending 路/街/道/巷/弄, digits, 号.
    if (t.bytesAt(i, "号") && isDigit(t.before(i))) {
      size_t d = i;
      while (d > 0 && isDigit(t.at(d - 1))) --d;
      if (d < 3) continue;
      std::string_view tail = s.substr(d - 3, 3);
      if (tail != "路" && tail != "街" && tail != "道" && tail != "巷" && tail != "弄") continue;
      size_t b = d - 3;
      for (int k = 0; k < 12 && b >= 3; ++k) {
        uint32_t cp = 0;
        if (decodeAt(s, b - 3, cp) != 3 || !isHan(cp)) break;
        b -= 3;
      }
      out.push_back({b, i + 3, IdentifierKind::kAddress, 5, "street and house number (路/街…号)"});
    }
  }
}

// --- labelled fields ("Name:", "地址：") --------------------------------------------------

void findLabelled(const Text& t, std::vector<Candidate>& out) {
  struct Label {
    std::string_view word;
    IdentifierKind kind;
    const char* reason;
  };
  static constexpr Label kLabels[] = {
      {"name", IdentifierKind::kName, "value of a name field"},
      {"姓名", IdentifierKind::kName, "value of a name field (姓名)"},
      {"address", IdentifierKind::kAddress, "value of an address field"},
      {"住址", IdentifierKind::kAddress, "value of an address field (住址)"},
      {"地址", IdentifierKind::kAddress, "value of an address field (地址)"},
      {"dob", IdentifierKind::kDate, "value of a date-of-birth field"},
      {"出生日期", IdentifierKind::kDate, "value of a date-of-birth field (出生日期)"},
  };
  std::string_view s = t.view();
  for (size_t i = 0; i < t.size(); ++i) {
    for (const Label& l : kLabels) {
      if (!t.matchesAt(i, l.word)) continue;
      if (isAlpha(t.before(i))) continue;
      size_t j = i + l.word.size();
      j += t.spacesFrom(j);
      if (t.at(j) == ':') {
        ++j;
      } else if (t.bytesAt(j, "：")) {
        j += 3;
      } else {
        continue;
      }
      j += t.spacesFrom(j);
      size_t e = j;
      while (e < s.size() && e - j < 80) {
        char c = s[e];
        if (c == '\n' || c == ';' || c == ',' || (c == '.' && !isAlpha(t.at(e + 1)))) break;
        if (t.bytesAt(e, "，") || t.bytesAt(e, "。") || t.bytesAt(e, "；")) break;
        ++e;
      }
      // Never cut a UTF-8 sequence in half at the length limit.
      while (e > j && e < s.size() && (static_cast<unsigned char>(s[e]) & 0xC0) == 0x80) --e;
      while (e > j && s[e - 1] == ' ') --e;
      if (e > j) out.push_back({j, e, l.kind, 6, l.reason});
    }
  }
}

// --- personal names -------------------------------------------------------------------------

constexpr std::array<std::string_view, 12> kTitles = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "madam", "mister", "madame"};

// Common given names (English) and Chinese surnames in pinyin: followed by a capitalised word
// they are very likely a person's name.
constexpr std::array<std::string_view, 52> kNameStarts = {
    "John",   "James",  "Robert",   "Michael",  "William", "David",     "Richard", "Joseph",
    "Thomas", "Mary",   "Patricia", "Jennifer", "Linda",   "Elizabeth", "Susan",   "Jessica",
    "Sarah",  "Karen",  "Maria",    "Anna",     "Peter",   "Paul",      "Mark",    "George",
    "Emma",   "Olivia", "Sophia",   "Zhang",    "Wang",    "Li",        "Liu",     "Chen",
    "Yang",   "Huang",  "Zhao",     "Wu",       "Zhou",    "Xu",        "Sun",     "Ma",
    "Zhu",    "Hu",     "Guo",      "He",       "Lin",     "Luo",       "Gao",     "Zheng",
    "Liang",  "Xie",    "Song",     "Tang"};

constexpr std::string_view kHanSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴"
    "莫孔向汤";

constexpr std::array<std::string_view, 8> kHanHonorifics = {"先生", "女士", "小姐", "医生",
                                                            "大夫", "护士", "老师", "同志"};

bool isCapitalisedWord(std::string_view w) {
  return w.size() >= 2 && isUpper(w[0]) && isLower(w[1]);
}

void findNames(const Text& t, std::vector<Candidate>& out) {
  std::string_view s = t.view();
  for (size_t i = 0; i < t.size(); ++i) {
    if (isAlpha(t.at(i)) && !isAlpha(t.before(i))) {
      std::string_view w = t.wordAt(i);
      std::string lw;
      for (char c : w) lw.push_back(lower(c));
      bool title = isUpper(w[0]) && w.size() >= 2 && isLower(w[1]) &&
                   std::find(kTitles.begin(), kTitles.end(), lw) != kTitles.end();
      if (title) {
        size_t j = i + w.size();
        if (t.at(j) == '.') ++j;
        size_t end = 0;
        for (int k = 0; k < 3; ++k) {
          size_t sp = t.spacesFrom(j);
          if (sp == 0) break;
          std::string_view n = t.wordAt(j + sp);
          bool initial = n.size() == 1 && isUpper(n[0]) && t.at(j + sp + 1) == '.';
          if (!isCapitalisedWord(n) && !initial) break;
          j += sp + n.size() + (initial ? 1 : 0);
          end = j;
        }
        if (end > 0) {
          out.push_back({i, end, IdentifierKind::kName, 7, "title followed by a capitalised name"});
          i = end - 1;
          continue;
        }
      }
      if (std::find(kNameStarts.begin(), kNameStarts.end(), w) != kNameStarts.end()) {
        size_t j = i + w.size();
        size_t sp = t.spacesFrom(j);
        std::string_view n = sp == 1 ? t.wordAt(j + 1) : std::string_view{};
        if (isCapitalisedWord(n) && monthAt(t, j + 1) == 0) {
          out.push_back({i, j + 1 + n.size(), IdentifierKind::kName, 7,
                         "common given name or surname followed by a capitalised word"});
          i = j + n.size();
          continue;
        }
      }
      i += w.size() - 1;
      continue;
    }
    // 王建国先生: Han surname, one or two Han characters, an honorific; "某" marks a pseudonym.
    uint32_t cp = 0;
    size_t len = decodeAt(s, i, cp);
    if (len != 3 || kHanSurnames.find(s.substr(i, 3)) == std::string_view::npos ||
        kHanSurnames.find(s.substr(i, 3)) % 3 != 0)
      continue;
    for (size_t given = 1; given <= 2; ++given) {
      size_t h = i + 3 + 3 * given;
      bool allHan = true, pseudonym = false;
      for (size_t k = i + 3; k < h; k += 3) {
        uint32_t g = 0;
        if (k >= s.size() || decodeAt(s, k, g) != 3 || !isHan(g)) allHan = false;
        if (t.bytesAt(k, "某")) pseudonym = true;
      }
      if (!allHan || pseudonym) continue;
      bool honorific = false;
      for (auto hon : kHanHonorifics) honorific = honorific || t.bytesAt(h, hon);
      if (honorific) {
        out.push_back(
            {i, h, IdentifierKind::kName, 7, "Chinese surname and given name before an honorific"});
        break;
      }
    }
  }
}

size_t codePoints(std::string_view s, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to;) {
    uint32_t cp = 0;
    i += decodeAt(s, i, cp);
    ++n;
  }
  return n;
}

}  // namespace

std::string_view kindName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kName:
      return "name";
    case IdentifierKind::kDate:
      return "date";
    case IdentifierKind::kPhone:
      return "phone";
    case IdentifierKind::kIdNumber:
      return "id_number";
    case IdentifierKind::kAddress:
      return "address";
    case IdentifierKind::kEmail:
      return "email";
  }
  return "unknown";
}

std::vector<IdentifierSpan> findIdentifiers(std::string_view field, std::string_view text) {
  Text t(text);
  std::vector<Candidate> cands;
  findEmails(t, cands);
  findDates(t, cands);
  findPhones(t, cands);
  findIdNumbers(t, cands);
  findAddresses(t, cands);
  findLabelled(t, cands);
  findNames(t, cands);

  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.begin < b.begin;
  });
  std::vector<Candidate> kept;
  for (auto& c : cands) {
    if (c.end <= c.begin || c.end > text.size()) continue;
    bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Candidate& k) {
      return c.begin < k.end && k.begin < c.end;
    });
    if (!overlaps) kept.push_back(std::move(c));
  }
  std::sort(kept.begin(), kept.end(),
            [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });

  std::vector<IdentifierSpan> out;
  out.reserve(kept.size());
  size_t cpBefore = 0, cpAt = 0;
  for (auto& c : kept) {
    cpBefore += codePoints(text, cpAt, c.begin);
    cpAt = c.begin;
    IdentifierSpan span;
    span.field = std::string(field);
    span.byteOffset = c.begin;
    span.byteLength = c.end - c.begin;
    span.charOffset = cpBefore;
    span.charLength = codePoints(text, c.begin, c.end);
    span.kind = c.kind;
    span.reason = std::move(c.reason);
    span.text = std::string(text.substr(c.begin, c.end - c.begin));
    out.push_back(std::move(span));
  }
  return out;
}

}  // namespace rounds::deid
