// Parsing of HTTP request-targets for the control server: percent-decoding, query splitting,
// path-traversal rejection, and Content-Type by file extension. Pure functions, no I/O.
// Threading: stateless; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace rounds::http {

// Percent-decodes `in` (RFC 3986 §2.1). With `plusAsSpace`, '+' becomes ' ' (the
// application/x-www-form-urlencoded convention used in query strings). nullopt on a truncated or
// non-hex escape, or if the result would contain NUL.
std::optional<std::string> percentDecode(std::string_view in, bool plusAsSpace);

struct Target {
  std::string path;  // percent-decoded, always starts with '/'
  std::map<std::string, std::string> query;  // decoded; the first of repeated keys wins
};

// Splits an origin-form request-target (RFC 9112 §3.2.1: absolute-path [ "?" query ]).
// nullopt if it is not origin-form, has a malformed escape or NUL, or has a ".." segment in the
// decoded path (so "%2e%2e" and "..%2f" are caught too).
std::optional<Target> parseTarget(std::string_view target);

// The raw path of a target (before '?'), undecoded; used to recognise "/ws" before parsing.
std::string_view rawPath(std::string_view target);

// Content-Type for a file name by its extension; application/octet-stream if unknown.
std::string_view mimeTypeFor(std::string_view path);

}  // namespace rounds::http
