// Routing of plain HTTP requests (everything but the WebSocket upgrade): /healthz, /api/* to the
// HttpHandler, the single-page client's index for / and /r/*, static files under webRoot.
// Threading: control io_context thread (calls the HttpHandler synchronously).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "control/http_server.hpp"

namespace rounds::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Beast 1.74 uses boost::string_view; these cross over without copying.
inline std::string_view toStd(boost::beast::string_view s) { return {s.data(), s.size()}; }
inline boost::beast::string_view toBeast(std::string_view s) { return {s.data(), s.size()}; }

// Builds the full response (version, keep-alive, Content-Length; empty body for HEAD).
Response route(const HttpServerConfig& config, HttpHandler& api, const Request& req);

// A short text/plain response for errors found before routing (413, 431, 400).
Response errorResponse(unsigned status, std::string_view text, unsigned version, bool keepAlive);

// Reads a regular file (no directories, devices or FIFOs); nullopt if it is not one.
std::optional<std::string> readRegularFile(const std::string& path);

}  // namespace rounds::http
