// JSON request reading and response writing for the REST API: typed field access whose failures
// name the field (400 invalid_field), error bodies, and Error-code-to-status mapping.
// Threading: stateless helpers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "control/http_server.hpp"

namespace rounds::api {

HttpResponse jsonResponse(int status, const nlohmann::json& body);
// {"error":{"code","message","field"}}; `field` is omitted when empty.
HttpResponse errorResponse(int status, const std::string& code, const std::string& message,
                           const std::string& field = "");
// Maps a service Error to its status (invalid_field 400, unauthorized 401, forbidden 403,
// not_found 404, conflict and quota_exceeded 409, else 500) and names the field of an invalid_field
// error.
HttpResponse fromError(const Error& e);
HttpResponse methodNotAllowed(const HttpRequest& req, const char* allow);

// The request body as a JSON object, or the 400 to send.
Result<nlohmann::json> parseBody(const HttpRequest& req);

// Field readers: absent -> std::nullopt / default; wrong type -> invalid_field naming `name`.
Result<std::optional<std::string>> optString(const nlohmann::json& obj, const char* name,
                                             const std::string& path = "");
Result<std::string> reqString(const nlohmann::json& obj, const char* name,
                              const std::string& path = "");
Result<std::optional<int64_t>> optInt(const nlohmann::json& obj, const char* name,
                                      const std::string& path = "");
Result<int64_t> reqInt(const nlohmann::json& obj, const char* name, const std::string& path = "");

// "123" -> 123 for ids in paths (1 to 18 digits).
std::optional<int64_t> parseId(const std::string& s);
// The token after "Bearer " in Authorization, or "".
std::string bearerToken(const HttpRequest& req);

}  // namespace rounds::api
