// Integration: the clinical REST API (docs/api.md) through the real HTTP server on an ephemeral
// port, with the real Api routing, services and a SQLite file that is closed and reopened to show
// that a restart loses nothing. Covers sign-in, directory validation, series across the US DST
// change, roles and hand-over, invitations (.ics, revocation, expiry) and delegation quotas.
// Threading: the server runs on its own thread; the test thread speaks HTTP to it.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "control/api.hpp"
#include "control/api/knowledge_api.hpp"
#include "control/conference.hpp"
#include "control/http_server.hpp"
#include "media/media_engine.hpp"
#include "services/calendar_ics.hpp"
#include "services/delegations.hpp"
#include "store/store.hpp"

namespace rounds {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kBootstrap = "operator-chosen-bootstrap-secret";
constexpr const char* kPassword = "correct horse battery staple";

// Wall time the test moves by hand; read from the server thread, hence atomic.
class TestClock final : public Clock {
 public:
  TimePoint now() const override { return TimePoint{std::chrono::milliseconds{wall_.load()}}; }
  int64_t wallMillis() const override { return wall_.load(); }
  void advance(std::chrono::milliseconds d) { wall_ += d.count(); }

 private:
  std::atomic<int64_t> wall_{1'767'225'600'000};  // 2026-01-01T00:00:00Z
};

// Everything one run of the server owns, torn down in main.cpp's order.
class Server {
 public:
  Server(const std::string& dbPath, const Clock& clock) {
    store_ = std::move(openSqliteStore(dbPath).value());
    attendance_ = std::make_unique<AttendanceService>(*store_, clock);
    MediaConfig mc;
    mc.basePort = 0;
    mc.workers = 1;
    media_ = std::make_unique<MediaEngine>(io_, mc, events_);
    EXPECT_TRUE(media_->start().ok());
    conference_ = std::make_unique<Conference>(ConferenceConfig{}, *media_, *attendance_);
    AccountsConfig ac;
    ac.bootstrapToken = kBootstrap;
    ac.argon2.memoryKiB = 1024;  // fast tests; production parameters in credentials.hpp
    ac.argon2.timeCost = 1;
    accounts_ = std::make_unique<AccountService>(*store_, clock, CryptoRandom::instance(), ac);
    series_ = std::make_unique<SeriesService>(*store_, clock, CryptoRandom::instance());
    delegations_ = std::make_unique<DelegationService>(*store_, clock, CryptoRandom::instance(),
                                                       *accounts_, *series_);
    clinical_ = std::make_unique<ClinicalApi>(*accounts_, *series_, *delegations_);
    api_ = std::make_unique<Api>(*conference_, *attendance_, *clinical_);
    // The in-room endpoints, registered as main.cpp does.
    meetings_ = std::make_unique<MeetingService>(*store_, clock, *accounts_, *series_);
    cases_ = std::make_unique<CaseService>(*meetings_);
    questions_ = std::make_unique<QuestionService>(*meetings_);
    knowledge_ = std::make_unique<KnowledgeApi>(*meetings_, *cases_, *questions_, *attendance_);
    registerKnowledgeApi(*api_, *knowledge_);
    HttpServerConfig hc;
    hc.port = 0;
    http_ = std::make_unique<HttpServer>(io_, hc, *conference_, *api_);
    EXPECT_TRUE(http_->start().ok());
    series_->setPublicUrl("http://127.0.0.1:" + std::to_string(http_->port()));
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Server() {
    asio::post(io_, [this] {
      conference_->shutdown();
      media_->stop();
      http_->stop();
    });
    thread_.join();
  }
  uint16_t port() const { return http_->port(); }

 private:
  struct NoEvents : MediaEvents {
    void onMediaPeerConnected(const std::string&) override {}
    void onMediaPeerClosed(const std::string&, const std::string&) override {}
  } events_;
  asio::io_context io_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AttendanceService> attendance_;
  std::unique_ptr<MediaEngine> media_;
  std::unique_ptr<Conference> conference_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<SeriesService> series_;
  std::unique_ptr<DelegationService> delegations_;
  std::unique_ptr<ClinicalApi> clinical_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<MeetingService> meetings_;
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<QuestionService> questions_;
  std::unique_ptr<KnowledgeApi> knowledge_;
  std::unique_ptr<HttpServer> http_;
  std::thread thread_;
};

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  json j() const { return json::parse(body, nullptr, false); }
  std::string errorField() const {
    auto b = j();
    return b.is_object() && b["error"].contains("field") ? b["error"]["field"].get<std::string>()
                                                         : "";
  }
};

class ClinicalApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dbPath_ = (std::filesystem::temp_directory_path() /
               ("rounds-clinical-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                  .string();
    removeDb();
    server_ = std::make_unique<Server>(dbPath_, clock_);
  }
  void TearDown() override {
    server_.reset();
    removeDb();
  }
  void removeDb() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(dbPath_ + suffix);
  }
  void restart() {
    server_.reset();
    server_ = std::make_unique<Server>(dbPath_, clock_);
  }

  Reply call(bhttp::verb method, const std::string& target, const std::string& token = "",
             const json& body = nullptr, std::map<std::string, std::string> headers = {}) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "localhost");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.is_null()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body.is_string() ? body.get<std::string>() : body.dump();
    }
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    beast::error_code ec;
    bhttp::read(stream, buf, res, ec);
    EXPECT_FALSE(ec) << ec.message();
    Reply r;
    r.status = res.result_int();
    r.body = res.body();
    for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
    return r;
  }
  Reply get(const std::string& t, const std::string& tok = "") {
    return call(bhttp::verb::get, t, tok);
  }
  Reply post(const std::string& t, const std::string& tok, const json& b) {
    return call(bhttp::verb::post, t, tok, b);
  }
  Reply put(const std::string& t, const std::string& tok, const json& b) {
    return call(bhttp::verb::put, t, tok, b);
  }
  Reply del(const std::string& t, const std::string& tok) {
    return call(bhttp::verb::delete_, t, tok);
  }

  static json person(const std::string& name, const std::string& tz, const std::string& country) {
    return json{{"displayName", name},
                {"country", country},
                {"discipline", "critical care"},
                {"language", "en"},
                {"timeZone", tz}};
  }
  // Creates the first host (bootstrap) or a further one (signed in as `by`); returns accountId.
  int64_t addHost(const std::string& email, const std::string& tz, const std::string& by = "") {
    json b = person(email, tz, "CN");
    b["email"] = email;
    b["password"] = kPassword;
    std::map<std::string, std::string> h;
    if (by.empty()) h["X-Rounds-Bootstrap"] = kBootstrap;
    auto r = call(bhttp::verb::post, "/api/accounts", by, b, h);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.j().value("accountId", int64_t{0});
  }
  std::string login(const std::string& email) {
    auto r = post("/api/sessions", "", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.j().value("token", std::string());
  }
  int64_t addPerson(const std::string& tok, const std::string& name, const std::string& tz) {
    auto r = post("/api/people", tok, person(name, tz, "US"));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.j().value("id", int64_t{0});
  }
  // Weekly on Tuesdays 21:00 in Shanghai from 2027-03-02, four times: spans the US change to
  // daylight time on 2027-03-14.
  int64_t weeklySeries(const std::string& tok) {
    auto r = post("/api/series", tok,
                  {{"title", "ICU rounds"},
                   {"timeZone", "Asia/Shanghai"},
                   {"start", "2027-03-02T21:00"},
                   {"durationMinutes", 60},
                   {"recurrence", {{"frequency", "weekly"}, {"weekdays", {"TU"}}, {"count", 4}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.j().value("id", int64_t{0});
  }
  std::string seriesPath(int64_t id, const std::string& sub = "") {
    return "/api/series/" + std::to_string(id) + (sub.empty() ? "" : "/" + sub);
  }

  TestClock clock_;
  std::string dbPath_;
  std::unique_ptr<Server> server_;
};

TEST_F(ClinicalApiTest, FirstHostNeedsTheBootstrapTokenAndOnlyOnce) {
  json b = person("Dr Li", "Asia/Shanghai", "CN");
  b["email"] = "li@hospital.cn";
  b["password"] = kPassword;
  EXPECT_EQ(call(bhttp::verb::post, "/api/accounts", "", b).status, 401);
  EXPECT_EQ(call(bhttp::verb::post, "/api/accounts", "", b,
                 {{"X-Rounds-Bootstrap", "wrong-secret-xxxxxxxx"}})
                .status,
            401);
  auto weak = b;
  weak["password"] = "short";
  auto r = call(bhttp::verb::post, "/api/accounts", "", weak, {{"X-Rounds-Bootstrap", kBootstrap}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.errorField(), "password");
  EXPECT_EQ(
      call(bhttp::verb::post, "/api/accounts", "", b, {{"X-Rounds-Bootstrap", kBootstrap}}).status,
      201);
  // Once a host exists the token no longer creates accounts; a signed-in host does.
  b["email"] = "other@hospital.cn";
  EXPECT_EQ(
      call(bhttp::verb::post, "/api/accounts", "", b, {{"X-Rounds-Bootstrap", kBootstrap}}).status,
      403);
  const std::string tok = login("li@hospital.cn");
  EXPECT_EQ(call(bhttp::verb::post, "/api/accounts", tok, b).status, 201);
  EXPECT_EQ(call(bhttp::verb::post, "/api/accounts", tok, b).status, 409);  // e-mail taken
}

TEST_F(ClinicalApiTest, SessionsByBearerAndCookieExpireAndLogOut) {
  addHost("li@hospital.cn", "Asia/Shanghai");
  auto bad =
      post("/api/sessions", "", {{"email", "li@hospital.cn"}, {"password", "wrong password!"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.headers["WWW-Authenticate"], "Bearer realm=\"rounds\"");
  EXPECT_EQ(post("/api/sessions", "", {{"email", "nobody@x.org"}, {"password", kPassword}}).status,
            401);

  auto in = post("/api/sessions", "", {{"email", "LI@hospital.cn"}, {"password", kPassword}});
  ASSERT_EQ(in.status, 201) << in.body;
  const std::string tok = in.j()["token"];
  EXPECT_NE(in.headers["Set-Cookie"].find("rounds_session=" + tok), std::string::npos);
  EXPECT_NE(in.headers["Set-Cookie"].find("HttpOnly"), std::string::npos);

  EXPECT_EQ(get("/api/me").status, 401);
  EXPECT_EQ(get("/api/me", "not-a-token").status, 401);
  EXPECT_EQ(get("/api/me", tok).status, 200);
  const std::map<std::string, std::string> cookie{{"Cookie", "x=1; rounds_session=" + tok}};
  EXPECT_EQ(call(bhttp::verb::get, "/api/me", "", nullptr, cookie).status, 200);
  // A cookie alone does not authorise a state change (CSRF); with X-Rounds-CSRF it does.
  const json org{
      {"name", "Hubei Health Commission"}, {"country", "CN"}, {"kind", "health_commission"}};
  EXPECT_EQ(call(bhttp::verb::post, "/api/organisations", "", org, cookie).status, 401);
  auto withCsrf = cookie;
  withCsrf["X-Rounds-CSRF"] = "1";
  EXPECT_EQ(call(bhttp::verb::post, "/api/organisations", "", org, withCsrf).status, 201);

  // The media and room endpoints are behind sign-in too; health is not.
  EXPECT_EQ(get("/api/rooms").status, 401);
  EXPECT_EQ(get("/api/rooms", tok).status, 200);
  EXPECT_EQ(get("/api/health").status, 200);

  // Logout revokes the token; a fresh one expires after the session lifetime.
  EXPECT_EQ(del("/api/sessions/current", tok).status, 204);
  EXPECT_EQ(get("/api/me", tok).status, 401);
  const std::string tok2 = login("li@hospital.cn");
  EXPECT_EQ(get("/api/me", tok2).status, 200);
  clock_.advance(13h);
  EXPECT_EQ(get("/api/me", tok2).status, 401);
}

TEST_F(ClinicalApiTest, DirectoryInputIsValidatedFieldByField) {
  addHost("li@hospital.cn", "Asia/Shanghai");
  const std::string tok = login("li@hospital.cn");
  struct Case {
    const char* field;
    json value;
  } cases[] = {{"timeZone", "Mars/Olympus_Mons"},
               {"timeZone", "EST5EDT-ish"},
               {"country", "China"},
               {"language", "english!"},
               {"displayName", ""},
               {"organisationId", 999},
               {"discipline", 42},
               {"email", "not-an-address"}};
  for (const auto& c : cases) {
    json b = person("Dr Chen", "Asia/Shanghai", "CN");
    b[c.field] = c.value;
    auto r = post("/api/people", tok, b);
    EXPECT_EQ(r.status, 400) << c.field << " " << r.body;
    EXPECT_EQ(r.errorField(), c.field) << r.body;
  }
  json missing = person("Dr Chen", "Asia/Shanghai", "CN");
  missing.erase("timeZone");
  EXPECT_EQ(post("/api/people", tok, missing).errorField(), "timeZone");
  auto notJson = post("/api/people", tok, json("{not json"));
  EXPECT_EQ(notJson.status, 400);
  EXPECT_EQ(notJson.errorField(), "body");
  EXPECT_EQ(post("/api/organisations", tok, {{"name", "X"}, {"country", "CN"}, {"kind", "bank"}})
                .errorField(),
            "kind");

  auto org = post("/api/organisations", tok,
                  {{"name", "Jinyintan Hospital"}, {"country", "CN"}, {"kind", "hospital"}});
  ASSERT_EQ(org.status, 201);
  json ok = person("Dr Chen", "Asia/Shanghai", "CN");
  ok["organisationId"] = org.j()["id"];
  auto created = post("/api/people", tok, ok);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.j()["timeZone"], "Asia/Shanghai");
  auto list = get("/api/people", tok).j()["people"];
  EXPECT_EQ(list.size(), 2u);  // the host and Dr Chen
  EXPECT_EQ(get("/api/people/999", tok).status, 404);
}

TEST_F(ClinicalApiTest, OccurrencesInTheViewersZoneAcrossUsDaylightSaving) {
  addHost("li@hospital.cn", "Asia/Shanghai");
  const std::string tok = login("li@hospital.cn");
  const int64_t id = weeklySeries(tok);
  auto occ =
      get(seriesPath(id, "occurrences?tz=America/New_York&from=2027-03-01&to=2027-04-01"), tok);
  ASSERT_EQ(occ.status, 200) << occ.body;
  auto o = occ.j();
  EXPECT_EQ(o["timeZone"], "America/New_York");
  ASSERT_EQ(o["occurrences"].size(), 4u);
  // 21:00 in Shanghai (UTC+8) is 13:00 UTC: 08:00 EST before 14 March, 09:00 EDT after.
  const char* want[][2] = {{"2027-03-02T08:00:00-05:00", "EST"},
                           {"2027-03-09T08:00:00-05:00", "EST"},
                           {"2027-03-16T09:00:00-04:00", "EDT"},
                           {"2027-03-23T09:00:00-04:00", "EDT"}};
  for (size_t i = 0; i < 4; ++i) {
    const auto& x = o["occurrences"][i];
    EXPECT_EQ(x["start"]["local"], std::string(want[i][0])) << x.dump();
    EXPECT_EQ(x["start"]["abbreviation"], std::string(want[i][1]));
    EXPECT_EQ(x["start"]["timeZone"], "America/New_York");
    EXPECT_EQ(x["organiserStart"]["local"].get<std::string>().substr(11, 5), "21:00");
  }
  // The organiser's own default zone applies without ?tz.
  auto own = get(seriesPath(id, "occurrences?from=2027-03-01&to=2027-04-01"), tok).j();
  EXPECT_EQ(own["timeZone"], "Asia/Shanghai");

  // Exceptions: cancel one, move another; both show in every zone.
  EXPECT_EQ(post(seriesPath(id, "exceptions"), tok,
                 {{"originalStart", "2027-03-16T21:00"}, {"action", "cancel"}})
                .status,
            200);
  EXPECT_EQ(post(seriesPath(id, "exceptions"), tok,
                 {{"originalStart", "2027-03-23T21:00"},
                  {"action", "move"},
                  {"newStart", "2027-03-24T08:00"}})
                .status,
            200);
  auto bad = post(seriesPath(id, "exceptions"), tok,
                  {{"originalStart", "2027-03-17T21:00"}, {"action", "cancel"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.errorField(), "originalStart");
  o = get(seriesPath(id, "occurrences?tz=America/New_York&from=2027-03-01&to=2027-04-01"), tok).j();
  ASSERT_EQ(o["occurrences"].size(), 4u);
  EXPECT_EQ(o["occurrences"][2]["status"], "cancelled");
  EXPECT_EQ(o["occurrences"][3]["status"], "moved");
  EXPECT_EQ(o["occurrences"][3]["start"]["local"],
            "2027-03-23T20:00:00-04:00");  // 08:00 CST = 20:00 EDT

  auto badTz = get(seriesPath(id, "occurrences?tz=Atlantis/Lost"), tok);
  EXPECT_EQ(badTz.status, 400);
  EXPECT_EQ(badTz.errorField(), "tz");
}

TEST_F(ClinicalApiTest, SeriesInputUpdateAndAuthorisation) {
  addHost("li@hospital.cn", "Asia/Shanghai");
  const std::string li = login("li@hospital.cn");
  addHost("tan@sgh.sg", "Asia/Singapore", li);
  const std::string tan = login("tan@sgh.sg");
  const int64_t id = weeklySeries(li);

  json base{{"title", "Briefing"},
            {"timeZone", "Asia/Shanghai"},
            {"start", "2027-03-02T21:00"},
            {"durationMinutes", 60}};
  struct Case {
    const char* field;
    json body;
  } cases[] = {
      {"timeZone", json{{"timeZone", "Asia/Nowhere"}}},
      {"start", json{{"start", "2027-02-30T21:00"}}},
      {"durationMinutes", json{{"durationMinutes", 0}}},
      {"recurrence.frequency", json{{"recurrence", {{"frequency", "daily"}}}}},
      {"recurrence.intervalWeeks",
       json{{"recurrence", {{"frequency", "weekly"}, {"intervalWeeks", 0}}}}},
      {"recurrence.weekdays",
       json{{"recurrence", {{"frequency", "weekly"}, {"weekdays", {"WE"}}}}}},
      {"recurrence.until",
       json{{"recurrence", {{"frequency", "weekly"}, {"until", "2027-01-01"}}}}},
      {"recurrence.count", json{{"recurrence", {{"frequency", "weekly"}, {"count", 501}}}}},
      {"title", json{{"title", nullptr}}},
  };
  for (const auto& c : cases) {
    json b = base;
    b.update(c.body);
    if (b["title"].is_null()) b.erase("title");
    auto r = post("/api/series", li, b);
    EXPECT_EQ(r.status, 400) << c.field << " " << r.body;
    EXPECT_EQ(r.errorField(), c.field) << r.body;
  }

  // Every 2 weeks on Tuesday and Thursday until a date, replacing the count.
  json upd = base;
  upd["recurrence"] = {{"frequency", "weekly"},
                       {"intervalWeeks", 2},
                       {"weekdays", {"TU", "TH"}},
                       {"until", "2027-03-31"}};
  auto u = put(seriesPath(id), li, upd);
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.j()["title"], "Briefing");
  EXPECT_EQ(u.j()["recurrence"]["intervalWeeks"], 2);
  auto o = get(seriesPath(id, "occurrences?tz=UTC&from=2027-03-01&to=2027-04-30"), li).j();
  // Tue 2, Thu 4, Tue 16, Thu 18, Tue 30 March.
  ASSERT_EQ(o["occurrences"].size(), 5u) << o.dump();
  EXPECT_EQ(o["occurrences"][4]["startUtc"], "2027-03-30T13:00:00Z");

  // Another host: 403 on everything of this series; a missing one is 404; no token 401.
  EXPECT_EQ(get(seriesPath(id), tan).status, 403);
  EXPECT_EQ(put(seriesPath(id), tan, upd).status, 403);
  EXPECT_EQ(get(seriesPath(id, "occurrences"), tan).status, 403);
  EXPECT_EQ(get(seriesPath(id, "invitations"), tan).status, 403);
  EXPECT_EQ(get(seriesPath(id, "roles"), tan).status, 403);
  EXPECT_EQ(post(seriesPath(id, "exceptions"), tan,
                 {{"originalStart", "2027-03-02T21:00"}, {"action", "cancel"}})
                .status,
            403);
  EXPECT_EQ(get(seriesPath(9999), li).status, 404);
  EXPECT_EQ(get(seriesPath(id)).status, 401);
  EXPECT_EQ(get("/api/series", tan).j()["series"].size(), 0u);
  EXPECT_EQ(call(bhttp::verb::patch, seriesPath(id), li, base).status, 405);
}

TEST_F(ClinicalApiTest, RolesAndHostHandOver) {
  const int64_t liAcc = addHost("li@hospital.cn", "Asia/Shanghai");
  const std::string li = login("li@hospital.cn");
  const int64_t tanAcc = addHost("tan@sgh.sg", "Asia/Singapore", li);
  const std::string tan = login("tan@sgh.sg");
  const int64_t tanPerson = get("/api/me", tan).j()["person"]["id"];
  const int64_t liPerson = get("/api/me", li).j()["person"]["id"];
  const int64_t id = weeklySeries(li);
  const int64_t smith = addPerson(li, "Dr Smith", "America/New_York");

  for (const char* role : {"presenter", "interpreter", "participant", "observer"})
    EXPECT_EQ(put(seriesPath(id, "roles/" + std::to_string(smith)), li, {{"role", role}}).status,
              200);
  auto bad = put(seriesPath(id, "roles/" + std::to_string(smith)), li, {{"role", "king"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.errorField(), "role");
  EXPECT_EQ(
      put(seriesPath(id, "roles/" + std::to_string(smith)), li, {{"role", "host"}}).errorField(),
      "role");
  EXPECT_EQ(
      put(seriesPath(id, "roles/" + std::to_string(liPerson)), li, {{"role", "observer"}}).status,
      409);
  EXPECT_EQ(put(seriesPath(id, "roles/99999"), li, {{"role", "observer"}}).status, 404);

  // A co-host may manage the series but not hand host rights on.
  EXPECT_EQ(get(seriesPath(id), tan).status, 403);
  EXPECT_EQ(
      put(seriesPath(id, "roles/" + std::to_string(tanPerson)), li, {{"role", "co-host"}}).status,
      200);
  EXPECT_EQ(get(seriesPath(id), tan).status, 200);
  EXPECT_EQ(get("/api/series", tan).j()["series"].size(), 1u);
  EXPECT_EQ(post(seriesPath(id, "host"), tan, {{"accountId", tanAcc}}).status, 403);

  auto roles = get(seriesPath(id, "roles"), li).j()["roles"];
  ASSERT_EQ(roles.size(), 3u);
  EXPECT_EQ(roles[0]["role"], "host");
  EXPECT_EQ(roles[0]["personId"], liPerson);
  EXPECT_EQ(roles[0]["country"], "CN");

  EXPECT_EQ(post(seriesPath(id, "host"), li, {{"accountId", 424242}}).errorField(), "accountId");
  auto handed = post(seriesPath(id, "host"), li, {{"accountId", tanAcc}});
  ASSERT_EQ(handed.status, 200) << handed.body;
  roles = get(seriesPath(id, "roles"), tan).j()["roles"];
  ASSERT_EQ(roles.size(), 3u);
  EXPECT_EQ(roles[0]["personId"], tanPerson);
  EXPECT_EQ(roles[0]["role"], "host");
  bool liIsCoHost = false;
  for (const auto& r : roles)
    liIsCoHost = liIsCoHost || (r["personId"] == liPerson && r["role"] == "co-host");
  EXPECT_TRUE(liIsCoHost) << roles.dump();
  // The former host, now co-host, may no longer hand over; the new host may hand back.
  EXPECT_EQ(post(seriesPath(id, "host"), li, {{"accountId", liAcc}}).status, 403);
  EXPECT_EQ(del(seriesPath(id, "roles/" + std::to_string(smith)), tan).status, 204);
  EXPECT_EQ(del(seriesPath(id, "roles/" + std::to_string(smith)), tan).status, 404);
}

TEST_F(ClinicalApiTest, InvitationsLinksCalendarRevocationAndExpiry) {
  addHost("li@hospital.cn", "Asia/Shanghai");
  std::string li = login("li@hospital.cn");
  const int64_t id = weeklySeries(li);
  ASSERT_EQ(post(seriesPath(id, "exceptions"), li,
                 {{"originalStart", "2027-03-16T21:00"}, {"action", "cancel"}})
                .status,
            200);
  const int64_t smith = addPerson(li, "Dr Smith", "America/New_York");
  const int64_t garcia = addPerson(li, "Dr Garcia", "America/New_York");

  // One bad invitee fails the whole request, and nothing is written.
  auto bad = post(seriesPath(id, "invitations"), li,
                  {{"invitees", {{{"personId", smith}}, {{"personId", 999}}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.errorField(), "invitees[1].personId");
  EXPECT_EQ(get(seriesPath(id, "invitations"), li).j()["invitations"].size(), 0u);
  EXPECT_EQ(post(seriesPath(id, "invitations"), li,
                 {{"invitees", {{{"personId", smith}, {"expiresAt", "2025-01-01T00:00:00Z"}}}}})
                .errorField(),
            "invitees[0].expiresAt");

  auto inv = post(
      seriesPath(id, "invitations"), li,
      {{"invitees",
        {{{"personId", smith}}, {{"personId", garcia}, {"expiresAt", "2026-01-02T00:00:00Z"}}}}});
  ASSERT_EQ(inv.status, 201) << inv.body;
  const std::string smithTok = inv.j()["invitations"][0]["token"];
  const std::string garciaTok = inv.j()["invitations"][1]["token"];
  const int64_t smithInv = inv.j()["invitations"][0]["id"];
  EXPECT_EQ(smithTok.size(), 43u);
  EXPECT_NE(smithTok, garciaTok);
  EXPECT_NE(inv.j()["invitations"][0]["joinUrl"].get<std::string>().find("?invite=" + smithTok),
            std::string::npos);

  // The invitee's link opens the series and its occurrences in the invitee's own zone.
  auto opened = get("/api/invitations/" + smithTok);
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(opened.j()["invitee"]["displayName"], "Dr Smith");
  EXPECT_EQ(opened.j()["role"], "participant");
  auto occ = get("/api/invitations/" + smithTok + "/occurrences?from=2027-03-01&to=2027-04-01").j();
  EXPECT_EQ(occ["timeZone"], "America/New_York");
  EXPECT_EQ(occ["occurrences"][0]["start"]["local"], "2027-03-02T08:00:00-05:00");

  // The .ics: text/calendar, parses back with libical, VTIMEZONE + RRULE + EXDATE.
  auto ics = get("/api/invitations/" + smithTok + "/calendar.ics");
  ASSERT_EQ(ics.status, 200);
  EXPECT_EQ(ics.headers["Content-Type"].rfind("text/calendar", 0), 0u);
  EXPECT_TRUE(checkIcs(ics.body).ok());
  EXPECT_NE(ics.body.find("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai"), std::string::npos);
  EXPECT_NE(ics.body.find("RRULE:FREQ=WEEKLY;COUNT=4"), std::string::npos) << ics.body;
  EXPECT_NE(ics.body.find("EXDATE;TZID=Asia/Shanghai:20270316T210000"), std::string::npos);
  EXPECT_NE(ics.body.find(smithTok), std::string::npos);  // the personal link is in the file

  // Unknown token 401, revoked 403, expired 403.
  EXPECT_EQ(get("/api/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status, 401);
  EXPECT_EQ(get("/api/invitations/short").status, 401);
  EXPECT_EQ(get("/api/invitations/" + garciaTok).status, 200);
  clock_.advance(25h);
  EXPECT_EQ(get("/api/invitations/" + garciaTok).status, 403);
  EXPECT_EQ(get("/api/invitations/" + garciaTok + "/calendar.ics").status, 403);
  EXPECT_EQ(del(seriesPath(id, "invitations/" + std::to_string(smithInv)), li).status,
            401);  // session expired
  li = login("li@hospital.cn");
  EXPECT_EQ(del(seriesPath(id, "invitations/" + std::to_string(smithInv)), li).status, 204);
  EXPECT_EQ(get("/api/invitations/" + smithTok).status, 403);
  EXPECT_EQ(del(seriesPath(id, "invitations/424242"), li).status, 404);
  auto listed = get(seriesPath(id, "invitations"), li).j()["invitations"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["state"], "revoked");
  EXPECT_EQ(listed[1]["state"], "expired");
  EXPECT_FALSE(listed[0].contains("token"));  // tokens are shown once, never listed
}

TEST_F(ClinicalApiTest, DelegationQuotaIsEnforced) {
  addHost("li@hospital.cn", "Asia/Shanghai");
  const std::string li = login("li@hospital.cn");
  addHost("tan@sgh.sg", "Asia/Singapore", li);
  const std::string tan = login("tan@sgh.sg");
  const int64_t id = weeklySeries(li);
  const int64_t coordinator = addPerson(li, "Coordinator Jones", "America/Chicago");

  EXPECT_EQ(
      post(seriesPath(id, "delegations"), li, {{"coordinatorPersonId", coordinator}, {"quota", 0}})
          .errorField(),
      "quota");
  EXPECT_EQ(post(seriesPath(id, "delegations"), li, {{"coordinatorPersonId", 999}, {"quota", 2}})
                .errorField(),
            "coordinatorPersonId");
  EXPECT_EQ(
      post(seriesPath(id, "delegations"), tan, {{"coordinatorPersonId", coordinator}, {"quota", 2}})
          .status,
      403);
  auto d =
      post(seriesPath(id, "delegations"), li, {{"coordinatorPersonId", coordinator}, {"quota", 2}});
  ASSERT_EQ(d.status, 201) << d.body;
  const std::string tok = d.j()["token"];
  const int64_t did = d.j()["id"];

  auto opened = get("/api/delegations/" + tok);
  ASSERT_EQ(opened.status, 200);
  EXPECT_EQ(opened.j()["delegation"]["remaining"], 2);

  json delegate{{"displayName", "Dr Brown"},
                {"discipline", "disease control"},
                {"language", "en-US"},
                {"timeZone", "America/Chicago"}};
  auto badDelegate = delegate;
  badDelegate["timeZone"] = "Central";
  EXPECT_EQ(post("/api/delegations/" + tok + "/delegates", "", badDelegate).errorField(),
            "timeZone");
  auto one = post("/api/delegations/" + tok + "/delegates", "", delegate);
  ASSERT_EQ(one.status, 201) << one.body;
  EXPECT_EQ(one.j()["person"]["country"], "US");  // the coordinator's
  const std::string delegateTok = one.j()["token"];
  EXPECT_EQ(get("/api/invitations/" + delegateTok).status, 200);
  delegate["displayName"] = "Dr White";
  EXPECT_EQ(post("/api/delegations/" + tok + "/delegates", "", delegate).status, 201);
  delegate["displayName"] = "Dr Green";
  auto full = post("/api/delegations/" + tok + "/delegates", "", delegate);
  EXPECT_EQ(full.status, 409);
  EXPECT_EQ(full.j()["error"]["code"], "quota_exceeded");
  EXPECT_EQ(get(seriesPath(id, "invitations"), li).j()["invitations"].size(), 2u);
  EXPECT_EQ(get(seriesPath(id, "delegations"), li).j()["delegations"][0]["used"], 2);

  EXPECT_EQ(
      post("/api/delegations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/delegates", "", delegate)
          .status,
      401);
  EXPECT_EQ(del(seriesPath(id, "delegations/" + std::to_string(did)), li).status, 204);
  EXPECT_EQ(get("/api/delegations/" + tok).status, 403);
}

TEST_F(ClinicalApiTest, RestartLosesNothing) {
  addHost("li@hospital.cn", "Asia/Shanghai");
  const std::string li = login("li@hospital.cn");
  const int64_t id = weeklySeries(li);
  ASSERT_EQ(post(seriesPath(id, "exceptions"), li,
                 {{"originalStart", "2027-03-09T21:00"}, {"action", "cancel"}})
                .status,
            200);
  const int64_t smith = addPerson(li, "Dr Smith", "America/New_York");
  ASSERT_EQ(
      put(seriesPath(id, "roles/" + std::to_string(smith)), li, {{"role", "presenter"}}).status,
      200);
  auto inv = post(seriesPath(id, "invitations"), li, {{"invitees", {{{"personId", smith}}}}});
  ASSERT_EQ(inv.status, 201);
  const std::string smithTok = inv.j()["invitations"][0]["token"];
  auto d = post(seriesPath(id, "delegations"), li, {{"coordinatorPersonId", smith}, {"quota", 1}});
  ASSERT_EQ(d.status, 201);
  const std::string delTok = d.j()["token"];
  ASSERT_EQ(post("/api/delegations/" + delTok + "/delegates", "",
                 {{"displayName", "Dr Brown"},
                  {"discipline", "customs"},
                  {"language", "en"},
                  {"timeZone", "America/New_York"}})
                .status,
            201);
  const std::string before = get(seriesPath(id), li).body;
  const std::string occBefore =
      get("/api/invitations/" + smithTok + "/occurrences?from=2027-03-01&to=2027-04-01").body;

  restart();

  EXPECT_EQ(get("/api/me", li).status, 200);  // the session survived
  EXPECT_EQ(get(seriesPath(id), li).body, before);
  EXPECT_EQ(get("/api/invitations/" + smithTok + "/occurrences?from=2027-03-01&to=2027-04-01").body,
            occBefore);
  EXPECT_EQ(get("/api/invitations/" + smithTok).j()["role"], "presenter");
  EXPECT_EQ(get(seriesPath(id, "invitations"), li).j()["invitations"].size(), 2u);
  EXPECT_EQ(post("/api/delegations/" + delTok + "/delegates", "",
                 {{"displayName", "Dr Late"},
                  {"discipline", "customs"},
                  {"language", "en"},
                  {"timeZone", "America/New_York"}})
                .status,
            409);
  // The bootstrap token cannot create a second "first" host after a restart either.
  json b = person("Mallory", "UTC", "CN");
  b["email"] = "m@x.org";
  b["password"] = kPassword;
  EXPECT_EQ(
      call(bhttp::verb::post, "/api/accounts", "", b, {{"X-Rounds-Bootstrap", kBootstrap}}).status,
      403);
}

TEST_F(ClinicalApiTest, InRoomEndpointsOfASeriesAreReachedThroughTheRealRouting) {
  addHost("li@example.org", "Asia/Shanghai");
  auto tok = login("li@example.org");
  auto sid = weeklySeries(tok);
  auto pid = addPerson(tok, "Dr Smith", "America/New_York");
  auto inv = post(seriesPath(sid, "invitations"), tok, {{"invitees", {{{"personId", pid}}}}});
  ASSERT_EQ(inv.status, 201) << inv.body;
  const std::string invite = inv.j()["invitations"][0]["token"].get<std::string>();

  // Before the fix ClinicalApi answered these as unknown series sub-resources (404/401).
  auto created = post(seriesPath(sid, "meetings"), tok,
                      {{"title", "Week 1"}, {"startsAt", 1'900'000'000'000}, {"durationMinutes", 60}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto list = call(bhttp::verb::get, seriesPath(sid, "meetings"), "", nullptr,
                   {{"X-Invite-Token", invite}});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.j()["meetings"][0]["title"], "Week 1");
  EXPECT_EQ(list.j()["you"]["name"], "Dr Smith");
  auto faq = call(bhttp::verb::get, seriesPath(sid, "faq") + "?q=ct", "", nullptr,
                  {{"X-Invite-Token", invite}});
  EXPECT_EQ(faq.status, 200) << faq.body;
  EXPECT_EQ(get(seriesPath(sid, "meetings")).status, 401);
  // The series itself is still ClinicalApi's.
  EXPECT_EQ(get(seriesPath(sid), tok).status, 200);
  EXPECT_EQ(get(seriesPath(sid, "roles"), tok).status, 200);
}

}  // namespace
}  // namespace rounds
