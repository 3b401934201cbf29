// JSON request/response helpers. Threading: see json_io.hpp.
#include "control/api/json_io.hpp"

namespace rounds::api {

using nlohmann::json;

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse errorResponse(int status, const std::string& code, const std::string& message,
                           const std::string& field) {
  json e{{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return jsonResponse(status, json{{"error", e}});
}

HttpResponse fromError(const Error& e) {
  int status = 500;
  if (e.code == "invalid_field" || e.code == "bad_request")
    status = 400;
  else if (e.code == "unauthorized")
    status = 401;
  else if (e.code == "forbidden")
    status = 403;
  else if (e.code == "not_found")
    status = 404;
  else if (e.code == "conflict" || e.code == "quota_exceeded")
    status = 409;
  std::string field;
  if (status == 400 || status == 409) {
    // Validation messages begin with the field: "timeZone: ...".
    if (auto colon = e.message.find(": ");
        colon != std::string::npos && e.message.find(' ') > colon)
      field = e.message.substr(0, colon);
  }
  if (status == 500) return errorResponse(500, "internal", "internal error: " + e.message);
  if (status == 401) {
    auto r = errorResponse(401, e.code, e.message, field);
    r.headers["WWW-Authenticate"] = "Bearer realm=\"rounds\"";  // RFC 6750 §3
    return r;
  }
  return errorResponse(status, e.code, e.message, field);
}

HttpResponse methodNotAllowed(const HttpRequest& req, const char* allow) {
  auto r =
      errorResponse(405, "method_not_allowed", req.method + " is not supported on " + req.path);
  r.headers["Allow"] = allow;
  return r;
}

Result<json> parseBody(const HttpRequest& req) {
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return makeError("invalid_field", "body: is not valid JSON");
  if (!body.is_object()) return makeError("invalid_field", "body: must be a JSON object");
  return body;
}

namespace {
std::string qualified(const std::string& path, const char* name) {
  return path.empty() ? std::string(name) : path + "." + name;
}
}  // namespace

Result<std::optional<std::string>> optString(const json& obj, const char* name,
                                             const std::string& path) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string())
    return makeError("invalid_field", qualified(path, name) + ": must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> reqString(const json& obj, const char* name, const std::string& path) {
  auto v = optString(obj, name, path);
  if (!v) return v.error();
  if (!*v) return makeError("invalid_field", qualified(path, name) + ": is required");
  return std::move(**v);
}

Result<std::optional<int64_t>> optInt(const json& obj, const char* name, const std::string& path) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::optional<int64_t>{};
  if (!it->is_number_integer())
    return makeError("invalid_field", qualified(path, name) + ": must be an integer");
  if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{INT64_MAX})
    return makeError("invalid_field", qualified(path, name) + ": is too large");
  return std::optional<int64_t>(it->get<int64_t>());
}

Result<int64_t> reqInt(const json& obj, const char* name, const std::string& path) {
  auto v = optInt(obj, name, path);
  if (!v) return v.error();
  if (!*v) return makeError("invalid_field", qualified(path, name) + ": is required");
  return **v;
}

std::optional<int64_t> parseId(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v == 0) return std::nullopt;
  return v;
}

std::string bearerToken(const HttpRequest& req) {
  auto it = req.headers.find("authorization");
  if (it == req.headers.end()) return "";
  const std::string& v = it->second;
  // RFC 6750 §2.1: the scheme is case-insensitive.
  if (v.size() < 7) return "";
  std::string scheme = v.substr(0, 7);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return "";
  return v.substr(7);
}

}  // namespace rounds::api
