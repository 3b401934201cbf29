// Request-target parsing and MIME types for the control server.
// Threading: see request_target.hpp.
#include "control/http/request_target.hpp"

#include <array>
#include <utility>

namespace rounds::http {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool hasDotDotSegment(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

bool parseQuery(std::string_view q, std::map<std::string, std::string>& out) {
  size_t start = 0;
  while (start <= q.size()) {
    size_t end = q.find('&', start);
    if (end == std::string_view::npos) end = q.size();
    std::string_view pair = q.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      auto key = percentDecode(pair.substr(0, eq), true);
      auto value = percentDecode(eq == std::string_view::npos ? std::string_view{}
                                                               : pair.substr(eq + 1),
                                 true);
      if (!key || !value) return false;
      out.emplace(std::move(*key), std::move(*value));
    }
    start = end + 1;
  }
  return true;
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view in, bool plusAsSpace) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;  // truncated escape
      int hi = hexValue(in[i + 1]);
      int lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plusAsSpace) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::string_view rawPath(std::string_view target) {
  size_t end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

std::optional<Target> parseTarget(std::string_view target) {
  if (target.empty() || target[0] != '/') return std::nullopt;
  // A fragment is never sent by a conforming client (RFC 9110 §7.1); drop it if one is.
  if (size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  std::string_view rawQuery;
  std::string_view path = target;
  if (size_t q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    rawQuery = target.substr(q + 1);
  }
  Target out;
  auto decoded = percentDecode(path, false);
  if (!decoded || hasDotDotSegment(*decoded)) return std::nullopt;
  out.path = std::move(*decoded);
  if (!parseQuery(rawQuery, out.query)) return std::nullopt;
  return out;
}

std::string_view mimeTypeFor(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kTypes{{
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"woff2", "font/woff2"},
      {"map", "application/json"},
      {"wasm", "application/wasm"},
      {"txt", "text/plain; charset=utf-8"},
  }};
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size() || name.size() - dot > 8) {
    return "application/octet-stream";
  }
  std::string ext;
  for (char c : name.substr(dot + 1)) ext.push_back(asciiLower(c));
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

}  // namespace rounds::http
