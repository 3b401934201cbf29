// Fuzz target: arbitrary bytes as an HTTP/1.1 request through Beast's parser (with the server's
// limits) and then our routing: target parsing, query decoding, header folding, /api dispatch.
// Threading: single-threaded (libFuzzer).
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "control/http/request_target.hpp"
#include "control/http/router.hpp"

namespace {

class EchoApi : public rounds::HttpHandler {
 public:
  rounds::HttpResponse onHttpRequest(const rounds::HttpRequest& req) override {
    rounds::HttpResponse res;
    res.status = req.body.empty() ? 200 : 1000;  // out-of-range status must become 500
    res.body = req.path;
    for (const auto& [k, v] : req.query) res.headers[k] = v;  // hostile header names/values
    return res;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rounds::http::parseTarget(text);
  (void)rounds::http::percentDecode(text, true);
  (void)rounds::http::mimeTypeFor(text);

  boost::beast::http::request_parser<boost::beast::http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;

  static EchoApi api;
  rounds::HttpServerConfig config;
  config.webRoot = "/nonexistent-rounds-fuzz-root";
  auto res = rounds::http::route(config, api, parser.get());
  (void)res;
  return 0;
}
