#include "common/hex.hpp"

namespace rounds {

namespace {
constexpr char kDigits[] = "0123456789abcdef";
constexpr char kUpper[] = "0123456789ABCDEF";
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string toHex(Bytes b) {
  std::string s;
  s.reserve(b.size() * 2);
  for (uint8_t v : b) {
    s.push_back(kDigits[v >> 4]);
    s.push_back(kDigits[v & 15]);
  }
  return s;
}

std::string toColonHex(Bytes b) {
  std::string s;
  s.reserve(b.size() * 3);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i) s.push_back(':');
    s.push_back(kUpper[b[i] >> 4]);
    s.push_back(kUpper[b[i] & 15]);
  }
  return s;
}

std::vector<uint8_t> fromHex(std::string_view s) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == ':' || c == '\r') continue;
    int n = nibble(c);
    if (n < 0) return {};
    if (hi < 0) {
      hi = n;
    } else {
      out.push_back(static_cast<uint8_t>((hi << 4) | n));
      hi = -1;
    }
  }
  if (hi >= 0) return {};
  return out;
}

}  // namespace rounds
