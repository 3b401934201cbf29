// HTTP routing and static files for the control server.
// Threading: see router.hpp.
#include "control/http/router.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "control/http/request_target.hpp"

namespace rounds::http {

namespace bhttp = boost::beast::http;

namespace {

// Files the web client ships are small; this only stops a stray huge file from being slurped.
constexpr off_t kMaxStaticFile = 64 << 20;
// Vite puts content-hashed bundles under /assets/, so they never change under one name.
constexpr std::string_view kAssetsCache = "public, max-age=31536000, immutable";

char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool hasCrLf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

Response textResponse(unsigned status, std::string_view text) {
  Response res;
  res.result(static_cast<bhttp::status>(status));
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::string(text);
  return res;
}

Response serveFile(const HttpServerConfig& config, const std::string& urlPath, bool isIndex) {
  if (config.webRoot.empty()) return textResponse(404, "not found\n");
  auto body = readRegularFile(config.webRoot + urlPath);
  if (!body) return textResponse(404, "not found\n");
  Response res;
  res.result(bhttp::status::ok);
  std::string_view type = mimeTypeFor(urlPath);
  res.set(bhttp::field::content_type, toBeast(type));
  if (!isIndex && startsWith(urlPath, "/assets/")) {
    res.set(bhttp::field::cache_control, toBeast(kAssetsCache));
  } else {
    // index.html names the current bundles, so it must be revalidated on every load.
    res.set(bhttp::field::cache_control, "no-cache");
  }
  if (startsWith(type, "text/html")) res.set("Referrer-Policy", "no-referrer");
  res.body() = std::move(*body);
  return res;
}

Response callApi(HttpHandler& api, const Request& req, Target target) {
  HttpRequest in;
  in.method = std::string(req.method_string());
  in.path = std::move(target.path);
  in.query = std::move(target.query);
  for (const auto& field : req) {
    std::string name;
    for (char c : field.name_string()) name.push_back(asciiLower(c));
    auto [it, inserted] = in.headers.emplace(name, std::string(field.value()));
    // Repeated fields combine with commas (RFC 9110 §5.3).
    if (!inserted) it->second.append(", ").append(toStd(field.value()));
  }
  in.body = req.body();

  HttpResponse out = api.onHttpRequest(in);
  if (out.status < 100 || out.status > 599) return textResponse(500, "internal error\n");
  Response res;
  res.result(static_cast<bhttp::status>(out.status));
  for (const auto& [name, value] : out.headers) {
    if (name.empty() || hasCrLf(name) || hasCrLf(value)) continue;
    res.set(name, value);
  }
  if (!out.contentType.empty() && !hasCrLf(out.contentType)) {
    res.set(bhttp::field::content_type, out.contentType);
  }
  res.body() = std::move(out.body);
  return res;
}

Response dispatch(const HttpServerConfig& config, HttpHandler& api, const Request& req) {
  auto target = parseTarget(toStd(req.target()));
  if (!target) return textResponse(400, "bad request target\n");
  const std::string& path = target->path;
  const bool getOrHead = req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;

  if (path == "/api" || startsWith(path, "/api/")) return callApi(api, req, std::move(*target));
  if (path == "/ws") {
    Response res = textResponse(426, "websocket upgrade required\n");
    res.set(bhttp::field::upgrade, "websocket");
    return res;
  }
  if (!getOrHead) {
    Response res = textResponse(405, "method not allowed\n");
    res.set(bhttp::field::allow, "GET, HEAD");
    return res;
  }
  if (path == "/healthz") return textResponse(200, "ok");
  // The web client's pages (docs/client.md): rooms, host sign-in, series, FAQ and meeting pages.
  if (path == "/" || startsWith(path, "/r/") || path == "/signin" || startsWith(path, "/s/") ||
      startsWith(path, "/m/"))
    return serveFile(config, "/index.html", true);
  return serveFile(config, path, path == "/index.html");
}

}  // namespace

std::optional<std::string> readRegularFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxStaticFile) {
    std::string data(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < data.size()) {
      ssize_t n = ::read(fd, data.data() + got, data.size() - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    data.resize(got);
    out = std::move(data);
  }
  ::close(fd);
  return out;
}

Response errorResponse(unsigned status, std::string_view text, unsigned version, bool keepAlive) {
  Response res = textResponse(status, text);
  res.version(version);
  res.keep_alive(keepAlive);
  res.set("X-Content-Type-Options", "nosniff");
  res.prepare_payload();
  return res;
}

Response route(const HttpServerConfig& config, HttpHandler& api, const Request& req) {
  Response res = dispatch(config, api, req);
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set("X-Content-Type-Options", "nosniff");
  if (req.method() == bhttp::verb::head) {
    // RFC 9110 §9.3.2: same header fields as GET, no content.
    res.content_length(res.body().size());
    res.body().clear();
  } else {
    res.prepare_payload();
  }
  return res;
}

}  // namespace rounds::http
