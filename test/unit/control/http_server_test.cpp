// Tests for HttpServer: static files, /api routing, limits, WebSocket behaviour, stop() and TLS.
// The server runs on its own io_context thread; clients use Beast's synchronous API.
// Threading: test thread + one server thread; handlers record under a mutex.
#include "control/http_server.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace rounds {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace fs = std::filesystem;
using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kWait = 10s;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "rounds-http-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& content) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << content;
  }

 private:
  fs::path path_;
};

// Records what the server reported; the test thread waits on it.
class Recorder {
 public:
  template <class F>
  auto locked(F f) {
    std::lock_guard lock(mu_);
    return f();
  }
  void changed() { cv_.notify_all(); }
  bool waitFor(const std::function<bool()>& pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, pred);
  }

 protected:
  std::mutex mu_;
  std::condition_variable cv_;
};

class TestWsHandler : public WsHandler, public Recorder {
 public:
  void onWsOpen(const std::shared_ptr<WsConnection>& conn) override {
    locked([&] {
      ++opens[conn->id()];
      conns[conn->id()] = conn;
      remotes.push_back(conn->remoteAddress());
      return 0;
    });
    changed();
  }
  void onWsMessage(const std::shared_ptr<WsConnection>& conn, std::string_view text) override {
    if (text == "burst") {
      conn->send("one");
      conn->send("two");
      conn->send("three");
      conn->close(4001, "bye");
      conn->send("after close is dropped");
      return;
    }
    conn->send(std::string(text));
  }
  void onWsClose(const std::shared_ptr<WsConnection>& conn) override {
    locked([&] {
      ++closes[conn->id()];
      openAtClose = openAtClose || conn->isOpen();
      conns.erase(conn->id());
      return 0;
    });
    changed();
  }
  // Waits until `n` connections opened and returns the id of the last one.
  uint64_t waitOpened(size_t n) {
    EXPECT_TRUE(waitFor([&] { return opens.size() >= n; }));
    return locked([&] { return opens.empty() ? 0 : opens.rbegin()->first; });
  }
  bool waitClosed(uint64_t id) { return waitFor([&] { return closes.count(id) > 0; }); }
  int closeCount(uint64_t id) {
    return locked([&] { return closes.count(id) ? closes[id] : 0; });
  }

  std::map<uint64_t, int> opens;
  std::map<uint64_t, int> closes;
  std::map<uint64_t, std::shared_ptr<WsConnection>> conns;
  std::vector<std::string> remotes;
  bool openAtClose = false;
};

class TestApiHandler : public HttpHandler {
 public:
  HttpResponse onHttpRequest(const HttpRequest& req) override {
    last = req;
    HttpResponse res;
    res.status = 201;
    res.body = R"({"ok":true})";
    res.headers["X-Api"] = "yes";
    return res;
  }
  HttpRequest last;  // read by the test after the response arrived
};

bhttp::response<bhttp::string_body> httpRequest(uint16_t port, bhttp::verb method,
                                                std::string target, std::string body = {},
                                                std::map<std::string, std::string> headers = {}) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "localhost");
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(16 << 20);
  parser.skip(method == bhttp::verb::head);
  beast::error_code ec;
  bhttp::read(stream, buf, parser, ec);
  EXPECT_FALSE(ec) << ec.message();
  return parser.release();
}

std::string header(const bhttp::response<bhttp::string_body>& res, beast::string_view name) {
  return std::string(res[name]);
}

class PlainWsClient {
 public:
  explicit PlainWsClient(uint16_t port) : ws_(io_) {
    ws_.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("localhost", "/ws");
  }
  websocket::stream<tcp::socket>& ws() { return ws_; }
  void sendText(const std::string& s) {
    ws_.text(true);
    ws_.write(asio::buffer(s));
  }
  // Returns the next message, or "" with `ec` set when the connection closed.
  std::string read(beast::error_code& ec) {
    beast::flat_buffer buf;
    ws_.read(buf, ec);
    return beast::buffers_to_string(buf.data());
  }

 private:
  asio::io_context io_;
  websocket::stream<tcp::socket> ws_;
};

// Writes a fresh self-signed P-256 certificate and key (PEM) for "localhost".
bool writeSelfSignedCert(const fs::path& certFile, const fs::path& keyFile) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key && cert;
  if (ok) {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ok = X509_sign(cert, key, EVP_sha256()) > 0;
  }
  if (ok) {
    FILE* c = std::fopen(certFile.c_str(), "w");
    FILE* k = std::fopen(keyFile.c_str(), "w");
    ok = c && k && PEM_write_X509(c, cert) == 1 &&
         PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (c) std::fclose(c);
    if (k) std::fclose(k);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_.write("index.html", "<!doctype html><title>Rounds</title>");
    web_.write("assets/app-1234.js", "console.log('rounds');");
    web_.write("style.css", "body{}");
    web_.write("logo.svg", "<svg/>");
    secret_.write("secret.txt", "do not serve");
    watchdog_ = std::thread([this] {
      std::unique_lock lock(watchdogMu_);
      if (!watchdogCv_.wait_for(lock, 60s, [this] { return done_; })) {
        std::fprintf(stderr, "test hung; aborting\n");
        std::abort();
      }
    });
  }
  void TearDown() override {
    stopAndJoin();
    {
      std::lock_guard lock(watchdogMu_);
      done_ = true;
    }
    watchdogCv_.notify_all();
    watchdog_.join();
  }

  HttpServerConfig config() {
    HttpServerConfig cfg;
    cfg.port = 0;
    cfg.webRoot = web_.path().string();
    return cfg;
  }
  Status startServer(HttpServerConfig cfg) {
    server_ = std::make_unique<HttpServer>(io_, std::move(cfg), ws_, api_);
    auto s = server_->start();
    if (s) thread_ = std::thread([this] { io_.run(); });
    return s;
  }
  void runOnIo(std::function<void()> f) {
    std::promise<void> done;
    asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  // stop() on the server thread, then io.run() must return on its own.
  void stopAndJoin() {
    if (thread_.joinable()) {
      runOnIo([this] { server_->stop(); });
      thread_.join();
    }
  }
  uint16_t port() const { return server_->port(); }

  TempDir web_;
  TempDir secret_;
  TestWsHandler ws_;
  TestApiHandler api_;
  asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;

 private:
  std::thread watchdog_;
  std::mutex watchdogMu_;
  std::condition_variable watchdogCv_;
  bool done_ = false;
};

TEST_F(HttpServerTest, ServesStaticFilesWithContentTypeAndCaching) {
  ASSERT_TRUE(startServer(config()).ok());
  auto js = httpRequest(port(), bhttp::verb::get, "/assets/app-1234.js");
  EXPECT_EQ(js.result_int(), 200);
  EXPECT_EQ(js.body(), "console.log('rounds');");
  EXPECT_EQ(header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(header(js, "Cache-Control").find("max-age=31536000"), std::string::npos);
  EXPECT_EQ(header(js, "X-Content-Type-Options"), "nosniff");

  auto css = httpRequest(port(), bhttp::verb::get, "/style.css");
  EXPECT_EQ(css.result_int(), 200);
  EXPECT_EQ(header(css, "Content-Type"), "text/css; charset=utf-8");
  auto svg = httpRequest(port(), bhttp::verb::get, "/logo.svg");
  EXPECT_EQ(header(svg, "Content-Type"), "image/svg+xml");
}

TEST_F(HttpServerTest, IndexForRootAndRoomLinks) {
  ASSERT_TRUE(startServer(config()).ok());
  for (const char* target : {"/", "/r/abc", "/r/abc/def?x=1", "/index.html", "/signin", "/s/4",
                             "/s/4/faq?invite=x", "/m/12"}) {
    auto res = httpRequest(port(), bhttp::verb::get, target);
    EXPECT_EQ(res.result_int(), 200) << target;
    EXPECT_EQ(res.body(), "<!doctype html><title>Rounds</title>") << target;
    EXPECT_EQ(header(res, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(header(res, "Cache-Control"), "no-cache");
    EXPECT_EQ(header(res, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(res, "Referrer-Policy"), "no-referrer");
  }
}

TEST_F(HttpServerTest, HeadHasLengthWithoutBody) {
  ASSERT_TRUE(startServer(config()).ok());
  auto res = httpRequest(port(), bhttp::verb::head, "/assets/app-1234.js");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(header(res, "Content-Length"), "22");
  EXPECT_EQ(header(res, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_TRUE(res.body().empty());
}

TEST_F(HttpServerTest, RejectsTraversalAndReportsMissingFiles) {
  // The secret sits next to the web root: ../<secret dir>/secret.txt would reach it.
  const std::string sibling = secret_.path().filename().string();
  ASSERT_TRUE(startServer(config()).ok());
  for (const std::string& target : std::vector<std::string>{
           "/../" + sibling + "/secret.txt", "/%2e%2e/" + sibling + "/secret.txt",
        "/assets/..%2f..%2f" + sibling + "%2fsecret.txt", "/a%00.html", "/%2E%2E"}) {
    auto res = httpRequest(port(), bhttp::verb::get, target);
    EXPECT_EQ(res.result_int(), 400) << target;
    EXPECT_EQ(res.body().find("do not serve"), std::string::npos);
  }
  EXPECT_EQ(httpRequest(port(), bhttp::verb::get, "/missing.js").result_int(), 404);
  EXPECT_EQ(httpRequest(port(), bhttp::verb::get, "/assets").result_int(), 404);
  EXPECT_EQ(httpRequest(port(), bhttp::verb::post, "/style.css").result_int(), 405);
}

TEST_F(HttpServerTest, HealthzAndNoWebRoot) {
  auto cfg = config();
  cfg.webRoot.clear();
  ASSERT_TRUE(startServer(cfg).ok());
  auto res = httpRequest(port(), bhttp::verb::get, "/healthz");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "ok");
  EXPECT_EQ(httpRequest(port(), bhttp::verb::get, "/").result_int(), 404);
}

TEST_F(HttpServerTest, RoutesApiWithQueryHeadersAndBody) {
  ASSERT_TRUE(startServer(config()).ok());
  auto res = httpRequest(port(), bhttp::verb::post, "/api/rooms/team%20a?limit=5&q=a+b%26c&flag",
                         R"({"name":"x"})", {{"X-Custom-Thing", "Value"}});
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), R"({"ok":true})");
  EXPECT_EQ(header(res, "Content-Type"), "application/json");
  EXPECT_EQ(header(res, "X-Api"), "yes");
  const HttpRequest& got = api_.last;  // the response arrived, so the handler has returned
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.path, "/api/rooms/team a");
  EXPECT_EQ(got.query.at("limit"), "5");
  EXPECT_EQ(got.query.at("q"), "a b&c");
  EXPECT_EQ(got.query.at("flag"), "");
  EXPECT_EQ(got.headers.at("x-custom-thing"), "Value");
  EXPECT_EQ(got.headers.at("host"), "localhost");
  EXPECT_EQ(got.body, R"({"name":"x"})");

  auto del = httpRequest(port(), bhttp::verb::delete_, "/api/x");
  EXPECT_EQ(del.result_int(), 201);
  EXPECT_EQ(api_.last.method, "DELETE");
}

TEST_F(HttpServerTest, BodyOverLimitIs413) {
  auto cfg = config();
  cfg.maxHttpBody = 1024;
  ASSERT_TRUE(startServer(cfg).ok());
  auto ok = httpRequest(port(), bhttp::verb::post, "/api/x", std::string(1024, 'a'));
  EXPECT_EQ(ok.result_int(), 201);
  auto big = httpRequest(port(), bhttp::verb::post, "/api/x", std::string(1025, 'a'));
  EXPECT_EQ(big.result_int(), 413);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  ASSERT_TRUE(startServer(config()).ok());
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  beast::flat_buffer buf;
  for (int i = 0; i < 3; ++i) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "localhost");
    bhttp::write(stream, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buf, res);
    EXPECT_EQ(res.body(), "ok");
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST_F(HttpServerTest, WebSocketEchoAndCloseReportedOnce) {
  ASSERT_TRUE(startServer(config()).ok());
  uint64_t id = 0;
  {
    PlainWsClient client(port());
    id = ws_.waitOpened(1);
    client.sendText("hello");
    beast::error_code ec;
    EXPECT_EQ(client.read(ec), "hello");
    client.sendText(std::string(60000, 'x'));
    EXPECT_EQ(client.read(ec).size(), 60000u);
    client.ws().close(websocket::close_code::normal);
  }
  ASSERT_TRUE(ws_.waitClosed(id));
  EXPECT_EQ(ws_.closeCount(id), 1);
  EXPECT_FALSE(ws_.openAtClose);
  EXPECT_EQ(ws_.remotes.at(0).rfind("127.0.0.1:", 0), 0u);
}

TEST_F(HttpServerTest, ConnectionIdsAreUnique) {
  ASSERT_TRUE(startServer(config()).ok());
  PlainWsClient a(port());
  ws_.waitOpened(1);
  PlainWsClient b(port());
  ws_.waitOpened(2);
  EXPECT_EQ(ws_.locked([&] { return ws_.opens.size(); }), 2u);
}

TEST_F(HttpServerTest, OversizedMessageClosesWith1009) {
  auto cfg = config();
  cfg.maxWsMessage = 1024;
  ASSERT_TRUE(startServer(cfg).ok());
  PlainWsClient client(port());
  uint64_t id = ws_.waitOpened(1);
  client.sendText(std::string(2048, 'x'));
  beast::error_code ec;
  client.read(ec);
  // Beast fails the connection after its 1009 frame (no close handshake), so the client's own
  // teardown may report ENOTCONN instead of `closed`; the close code is what the peer sees.
  EXPECT_TRUE(ec);
  EXPECT_EQ(client.ws().reason().code, websocket::close_code::too_big);
  ASSERT_TRUE(ws_.waitClosed(id));
  EXPECT_EQ(ws_.closeCount(id), 1);
}

TEST_F(HttpServerTest, BinaryMessageClosesWith1003) {
  ASSERT_TRUE(startServer(config()).ok());
  PlainWsClient client(port());
  uint64_t id = ws_.waitOpened(1);
  client.ws().binary(true);
  client.ws().write(asio::buffer(std::string("\x01\x02", 2)));
  beast::error_code ec;
  client.read(ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(client.ws().reason().code, websocket::close_code::unknown_data);
  ASSERT_TRUE(ws_.waitClosed(id));
  EXPECT_EQ(ws_.closeCount(id), 1);
}

TEST_F(HttpServerTest, ServerCloseSendsQueuedFramesFirst) {
  ASSERT_TRUE(startServer(config()).ok());
  PlainWsClient client(port());
  uint64_t id = ws_.waitOpened(1);
  client.sendText("burst");
  beast::error_code ec;
  EXPECT_EQ(client.read(ec), "one");
  EXPECT_EQ(client.read(ec), "two");
  EXPECT_EQ(client.read(ec), "three");
  client.read(ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(client.ws().reason().code, 4001);
  const auto& why = client.ws().reason().reason;
  EXPECT_EQ(std::string(why.data(), why.size()), "bye");
  ASSERT_TRUE(ws_.waitClosed(id));
  EXPECT_EQ(ws_.closeCount(id), 1);
}

TEST_F(HttpServerTest, CloseFromControlThread) {
  ASSERT_TRUE(startServer(config()).ok());
  PlainWsClient client(port());
  uint64_t id = ws_.waitOpened(1);
  runOnIo([&] {
    auto conn = ws_.conns.at(id);
    EXPECT_TRUE(conn->isOpen());
    conn->send("last words");
    conn->close(1008, "policy");
    EXPECT_FALSE(conn->isOpen());
    conn->close(1000, "second close is ignored");
  });
  beast::error_code ec;
  EXPECT_EQ(client.read(ec), "last words");
  client.read(ec);
  EXPECT_EQ(client.ws().reason().code, websocket::close_code::policy_error);
  ASSERT_TRUE(ws_.waitClosed(id));
  EXPECT_EQ(ws_.closeCount(id), 1);
}

TEST_F(HttpServerTest, StopClosesClientsAndReportsEachOnce) {
  ASSERT_TRUE(startServer(config()).ok());
  PlainWsClient a(port());
  ws_.waitOpened(1);
  PlainWsClient b(port());
  ws_.waitOpened(2);
  // An idle keep-alive HTTP connection must not hold io.run() open either.
  asio::io_context io;
  beast::tcp_stream idle(io);
  idle.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));

  // Clients read concurrently so that they answer the server's close frame.
  auto readClose = [](PlainWsClient* c) {
    beast::error_code ec;
    c->read(ec);
    EXPECT_EQ(ec, websocket::error::closed);
    return c->ws().reason().code;
  };
  auto closeA = std::async(std::launch::async, readClose, &a);
  auto closeB = std::async(std::launch::async, readClose, &b);
  stopAndJoin();  // returns only once io.run() has run out of work
  EXPECT_EQ(closeA.get(), websocket::close_code::going_away);
  EXPECT_EQ(closeB.get(), websocket::close_code::going_away);
  ws_.locked([&] {
    EXPECT_EQ(ws_.closes.size(), 2u);
    for (auto& [id, n] : ws_.closes) EXPECT_EQ(n, 1) << id;
    EXPECT_TRUE(ws_.conns.empty());
    return 0;
  });
}

TEST_F(HttpServerTest, SilentPeerTimesOut) {
  auto cfg = config();
  cfg.wsPingInterval = 1s;
  cfg.wsPongTimeout = 2s;
  ASSERT_TRUE(startServer(cfg).ok());
  // Never reads, so never answers the server's pings.
  PlainWsClient client(port());
  uint64_t id = ws_.waitOpened(1);
  ASSERT_TRUE(ws_.waitClosed(id));
  EXPECT_EQ(ws_.closeCount(id), 1);
}

TEST_F(HttpServerTest, TlsServesHttpsAndWss) {
  const fs::path cert = web_.path() / "cert.pem";
  const fs::path key = web_.path() / "key.pem";
  ASSERT_TRUE(writeSelfSignedCert(cert, key));
  auto cfg = config();
  cfg.tlsCertFile = cert.string();
  cfg.tlsKeyFile = key.string();
  auto started = startServer(cfg);
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_TRUE(server_->tls());

  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port());
  {
    asio::io_context io;
    asio::ssl::stream<tcp::socket> stream(io, ctx);
    stream.next_layer().connect(ep);
    stream.handshake(asio::ssl::stream_base::client);
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "localhost");
    bhttp::write(stream, req);
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buf, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "ok");
  }
  {
    asio::io_context io;
    websocket::stream<asio::ssl::stream<tcp::socket>> ws(io, ctx);
    ws.next_layer().next_layer().connect(ep);
    ws.next_layer().handshake(asio::ssl::stream_base::client);
    ws.handshake("localhost", "/ws");
    uint64_t id = ws_.waitOpened(1);
    ws.text(true);
    ws.write(asio::buffer(std::string("secure hello")));
    beast::flat_buffer buf;
    ws.read(buf);
    EXPECT_EQ(beast::buffers_to_string(buf.data()), "secure hello");
    ws.close(websocket::close_code::normal);
    ASSERT_TRUE(ws_.waitClosed(id));
    EXPECT_EQ(ws_.closeCount(id), 1);
  }
}

TEST_F(HttpServerTest, ErrorsFromStart) {
  auto cfg = config();
  cfg.bindAddress = "not-an-address";
  HttpServer bad(io_, cfg, ws_, api_);
  auto s = bad.start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "listen_failed");

  cfg = config();
  cfg.tlsCertFile = (web_.path() / "missing-cert.pem").string();
  cfg.tlsKeyFile = (web_.path() / "missing-key.pem").string();
  HttpServer noCert(io_, cfg, ws_, api_);
  s = noCert.start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "tls_config");
  EXPECT_NE(s.error().message.find("missing-cert.pem"), std::string::npos) << s.error().message;

  // A key that does not match the certificate is refused too, naming the key file.
  ASSERT_TRUE(writeSelfSignedCert(web_.path() / "a.pem", web_.path() / "a.key"));
  ASSERT_TRUE(writeSelfSignedCert(web_.path() / "b.pem", web_.path() / "b.key"));
  cfg.tlsCertFile = (web_.path() / "a.pem").string();
  cfg.tlsKeyFile = (web_.path() / "b.key").string();
  HttpServer mismatched(io_, cfg, ws_, api_);
  s = mismatched.start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "tls_config");
  EXPECT_NE(s.error().message.find("b.key"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace rounds
