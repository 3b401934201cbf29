// API tests for meetings, agenda, cases, Q&A/FAQ and attendance reports: requests go through the
// real HTTP router (target parsing, headers) into KnowledgeApi over a real SQLite database.
#include "control/api/knowledge_api.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "control/http/router.hpp"

namespace rounds {
namespace {

using nlohmann::json;
namespace bhttp = boost::beast::http;

struct Reply {
  int status = 0;
  json body;
  std::string raw;
  std::string contentType;
};

// Adapts KnowledgeApi to the HttpHandler the router calls.
struct Handler : HttpHandler {
  KnowledgeApi* api = nullptr;
  HttpResponse onHttpRequest(const HttpRequest& req) override {
    if (auto r = api->handle(req)) return *r;
    HttpResponse none;
    none.status = 404;
    none.body = R"({"error":{"code":"not_found"}})";
    return none;
  }
};

class KnowledgeApiTest : public ::testing::Test {
 protected:
  static constexpr const char* kBootstrap = "operator-bootstrap-secret-0123";

  void SetUp() override { open(":memory:"); }

  void open(const std::string& path) {
    knowledge_.reset();
    questions_.reset();
    cases_.reset();
    meetings_.reset();
    series_.reset();
    accounts_.reset();
    attendance_.reset();
    auto s = openSqliteStore(path);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    AccountsConfig ac;
    ac.argon2.memoryKiB = 1024;  // fast hashing in tests
    ac.argon2.timeCost = 1;
    ac.sessionTtlMs = 30LL * 24 * 3600 * 1000;  // tests jump a week ahead
    ac.bootstrapToken = kBootstrap;              // the first host account needs it
    accounts_ = std::make_unique<AccountService>(*store_, clock_, CryptoRandom::instance(), ac);
    series_ = std::make_unique<SeriesService>(*store_, clock_, CryptoRandom::instance());
    meetings_ = std::make_unique<MeetingService>(*store_, clock_, *accounts_, *series_);
    cases_ = std::make_unique<CaseService>(*meetings_);
    questions_ = std::make_unique<QuestionService>(*meetings_);
    attendance_ = std::make_unique<AttendanceService>(*store_, clock_);
    knowledge_ = std::make_unique<KnowledgeApi>(*meetings_, *cases_, *questions_, *attendance_);
    handler_.api = knowledge_.get();
  }

  PersonRecord person(const std::string& name) {
    PersonRecord p;
    p.displayName = name;
    p.country = "CN";
    p.discipline = "critical care";
    p.language = "zh-CN";
    p.timeZone = "Asia/Shanghai";
    return p;
  }

  // A host account, signed in; returns its bearer token.
  std::string host(const std::string& email, const std::string& name) {
    NewAccount in;
    in.email = email;
    in.password = "correct horse battery";
    in.person = person(name);
    in.bootstrapToken = kBootstrap;
    std::optional<Caller> caller;
    if (!firstHost_.empty()) caller = *accounts_->authenticate(firstHost_);
    auto acc = accounts_->createAccount(caller, in);
    EXPECT_TRUE(acc) << acc.error().message;
    auto s = accounts_->login(email, in.password);
    EXPECT_TRUE(s) << s.error().message;
    if (firstHost_.empty()) firstHost_ = s->token;
    return s->token;
  }

  int64_t series(const std::string& bearer, const std::string& title) {
    NewSeries ns;
    ns.title = title;
    ns.timeZone = "Asia/Shanghai";
    ns.start = "2026-03-02T09:00";
    ns.durationMinutes = 60;
    ns.frequency = "weekly";
    ns.count = 4;
    auto s = series_->create(*accounts_->authenticate(bearer), ns);
    EXPECT_TRUE(s) << s.error().message;
    return s->id;
  }

  // Invites a new person to the series; returns their invite token.
  std::string invitee(const std::string& bearer, int64_t seriesId, const std::string& name) {
    auto p = accounts_->createPerson(person(name));
    EXPECT_TRUE(p) << p.error().message;
    auto inv =
        series_->invite(*accounts_->authenticate(bearer), seriesId, {InviteeInput{p->id, {}}});
    EXPECT_TRUE(inv) << inv.error().message;
    return inv->front().token;
  }

  Reply call(const std::string& method, const std::string& target, const json& body = nullptr,
             const std::string& bearer = "", const std::string& invite = "") {
    http::Request req{bhttp::string_to_verb(method), target, 11};
    if (!bearer.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer);
    if (!invite.empty()) req.set("X-Invite-Token", invite);
    if (!body.is_null()) req.body() = body.dump();
    req.prepare_payload();
    auto res = http::route(config_, handler_, req);
    Reply r;
    r.status = static_cast<int>(res.result_int());
    r.raw = res.body();
    r.contentType = std::string(res[bhttp::field::content_type]);
    r.body = json::parse(r.raw, nullptr, false);
    return r;
  }

  Reply raw(const std::string& method, const std::string& target, const std::string& body,
            const std::string& bearer) {
    http::Request req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::authorization, "Bearer " + bearer);
    req.body() = body;
    req.prepare_payload();
    auto res = http::route(config_, handler_, req);
    return Reply{static_cast<int>(res.result_int()), json::parse(res.body(), nullptr, false),
                 res.body(), ""};
  }

  // A meeting of `seriesId` starting now, 60 minutes.
  int64_t meeting(const std::string& bearer, int64_t seriesId,
                  const std::string& title = "Week 1") {
    auto r = call("POST", "/api/series/" + std::to_string(seriesId) + "/meetings",
                  {{"title", title}, {"startsAt", clock_.wallMillis()}, {"durationMinutes", 60}},
                  bearer);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", int64_t{0});
  }

  ManualClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<SeriesService> series_;
  std::unique_ptr<MeetingService> meetings_;
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<QuestionService> questions_;
  std::unique_ptr<AttendanceService> attendance_;
  std::unique_ptr<KnowledgeApi> knowledge_;
  Handler handler_;
  HttpServerConfig config_;
  std::string firstHost_;
};

TEST_F(KnowledgeApiTest, MeetingsAreCreatedByTheSeriesHostOnly) {
  auto a = host("a@example.org", "Host A");
  auto b = host("b@example.org", "Host B");
  auto sid = series(a, "ICU briefing");
  auto tok = invitee(a, sid, "Guest");
  const std::string url = "/api/series/" + std::to_string(sid) + "/meetings";
  json body{{"title", "Week 1"}, {"startsAt", clock_.wallMillis()}, {"durationMinutes", 60}};

  EXPECT_EQ(call("POST", url, body, a).status, 201);
  EXPECT_EQ(call("POST", url, body).status, 401);
  EXPECT_EQ(call("POST", url, body, b).status, 403);
  EXPECT_EQ(call("POST", url, body, "", tok).status, 403);
  EXPECT_EQ(call("POST", url, body, "", "not-a-token").status, 401);
  EXPECT_EQ(call("POST", "/api/series/999/meetings", body, a).status, 404);

  auto missing = call("POST", url, {{"title", "x"}, {"startsAt", 1}}, a);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["error"]["field"], "durationMinutes");
  auto wrongType = call("POST", url, {{"title", 5}, {"startsAt", 1}, {"durationMinutes", 5}}, a);
  EXPECT_EQ(wrongType.body["error"]["field"], "title");
  auto notJson = raw("POST", url, "{not json", a);
  EXPECT_EQ(notJson.status, 400);
  EXPECT_EQ(notJson.body["error"]["field"], "body");
  EXPECT_EQ(call("POST", "/api/series/0x1/meetings", body, a).body["error"]["field"], "seriesId");
}

TEST_F(KnowledgeApiTest, CoHostsActAsHostsAndOtherRolesDoNot) {
  auto a = host("a@example.org", "Host A");
  auto b = host("b@example.org", "Host B");
  auto c = host("c@example.org", "Host C");
  auto sid = series(a, "ICU briefing");
  auto mid = meeting(a, sid);
  const std::string base = "/api/meetings/" + std::to_string(mid) + "/agenda";
  json item{{"title", "Ventilation"}, {"presenter", "Dr Z"}, {"minutes", 5}};
  EXPECT_EQ(call("POST", base, item, b).status, 403);

  auto caller = *accounts_->authenticate(a);
  auto personOf = [&](const std::string& bearer) { return accounts_->authenticate(bearer)->personId; };
  ASSERT_TRUE(series_->setRole(caller, sid, personOf(b), "co-host"));
  ASSERT_TRUE(series_->setRole(caller, sid, personOf(c), "presenter"));

  // The co-host: agenda, meetings, the attendance report.
  EXPECT_EQ(call("POST", base, item, b).status, 201);
  auto started = call("POST", base + "/next", nullptr, b);
  EXPECT_EQ(started.status, 200) << started.raw;
  EXPECT_EQ(call("POST", "/api/series/" + std::to_string(sid) + "/meetings",
                 {{"title", "Week 2"}, {"startsAt", clock_.wallMillis()}, {"durationMinutes", 60}},
                 b)
                .status,
            201);
  auto you = call("GET", "/api/meetings/" + std::to_string(mid), nullptr, b);
  EXPECT_TRUE(you.body["you"]["host"].get<bool>()) << you.raw;
  EXPECT_EQ(call("GET", "/api/meetings/" + std::to_string(mid) + "/attendance", nullptr, b).status,
            200);
  // Another role of the series is not a host; neither is a co-host once the role is gone.
  EXPECT_EQ(call("POST", base, item, c).status, 403);
  ASSERT_TRUE(series_->removeRole(caller, sid, personOf(b)));
  EXPECT_EQ(call("POST", base + "/next", nullptr, b).status, 403);
}

TEST_F(KnowledgeApiTest, AgendaRunsWithElapsedTimeAndOverrun) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto tok = invitee(a, sid, "Guest");
  auto mid = meeting(a, sid);
  const std::string base = "/api/meetings/" + std::to_string(mid) + "/agenda";

  auto i1 =
      call("POST", base,
           {{"title", "Clinical characteristics"}, {"presenter", "Dr Z"}, {"minutes", 20}}, a);
  ASSERT_EQ(i1.status, 201) << i1.raw;
  EXPECT_EQ(i1.body["position"], 1);
  ASSERT_EQ(call("POST", base, {{"title", "Mobilising ICU beds"}, {"minutes", 10}}, a).status, 201);
  EXPECT_EQ(call("POST", base, {{"title", "x"}, {"minutes", 5}}, "", tok).status, 403);
  auto zero = call("POST", base, {{"title", "x"}, {"minutes", 0}}, a);
  EXPECT_EQ(zero.status, 400);
  EXPECT_EQ(zero.body["error"]["field"], "minutes");

  // Reorder: all ids once, written together; a partial list changes nothing.
  int64_t id1 = i1.body["id"];
  auto items = call("GET", base, nullptr, a).body["items"];
  int64_t id2 = items[1]["id"];
  EXPECT_EQ(call("PUT", base + "/order", {{"ids", {id2}}}, a).body["error"]["field"], "ids");
  EXPECT_EQ(call("PUT", base + "/order", {{"ids", {id2, id1}}}, "", tok).status, 403);
  auto swapped = call("PUT", base + "/order", {{"ids", {id2, id1}}}, a);
  ASSERT_EQ(swapped.status, 200) << swapped.raw;
  EXPECT_EQ(swapped.body["items"][0]["id"], id2);
  ASSERT_EQ(call("PUT", base + "/order", {{"ids", {id1, id2}}}, a).status, 200);
  EXPECT_EQ(call("GET", base, nullptr, a).body["items"][0]["id"], id1);

  EXPECT_EQ(call("POST", base + "/next", nullptr, "", tok).status, 403);
  auto started = call("POST", base + "/next", nullptr, a);
  ASSERT_EQ(started.status, 200) << started.raw;
  EXPECT_EQ(started.body["current"]["title"], "Clinical characteristics");

  clock_.advance(std::chrono::minutes(21));
  auto seen = call("GET", base, nullptr, "", tok);
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.body["current"]["title"], "Clinical characteristics");
  EXPECT_EQ(seen.body["elapsedMs"], 21 * 60'000);
  EXPECT_TRUE(seen.body["overrun"].get<bool>());

  auto second = call("POST", base + "/next", nullptr, a);
  EXPECT_EQ(second.body["current"]["title"], "Mobilising ICU beds");
  EXPECT_FALSE(second.body["overrun"].get<bool>());
  EXPECT_FALSE(second.body["items"][0]["endedAt"].is_null());
  EXPECT_EQ(call("POST", base + "/next", nullptr, a).status, 409);
  EXPECT_EQ(call("POST", base + "/999/start", nullptr, a).status, 404);
}

TEST_F(KnowledgeApiTest, CaseSubmitIsBlockedUntilEverySpanIsFixedOrJustified) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto presenter = invitee(a, sid, "Presenter");
  auto mid = meeting(a, sid);
  const std::string base = "/api/meetings/" + std::to_string(mid) + "/cases";
  json fields{{"ageBand", "60-69"},
              {"sex", "male"},
              {"history", "Mr. John Smith, hypertension. Daughter: +44 20 7946 0958."},
              {"presentation", "Fever and dyspnoea for 5 days."},
              {"question", "When to start prone positioning?"}};
  auto created = call("POST", base, {{"fields", fields}}, "", presenter);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["status"], "draft");
  const std::string url = base + "/" + std::to_string(created.body["id"].get<int64_t>());

  auto blocked = call("POST", url + "/submit", json::object(), "", presenter);
  ASSERT_EQ(blocked.status, 422) << blocked.raw;
  auto spans = blocked.body["error"]["spans"];
  ASSERT_EQ(spans.size(), 2u) << blocked.raw;
  EXPECT_EQ(spans[0]["kind"], "name");
  EXPECT_EQ(spans[0]["text"], "Mr. John Smith");
  EXPECT_EQ(spans[0]["field"], "history");
  EXPECT_EQ(spans[0]["offset"], 0);
  EXPECT_EQ(spans[1]["kind"], "phone");
  EXPECT_EQ(spans[1]["text"], "+44 20 7946 0958");
  EXPECT_EQ(spans[1]["offset"], 40);

  // Fix the phone, justify only... nothing yet: still blocked by the name alone.
  fields["history"] = "Mr. John Smith, hypertension.";
  ASSERT_EQ(call("PUT", url, {{"fields", fields}}, "", presenter).status, 200);
  auto still = call("POST", url + "/submit", json::object(), "", presenter);
  EXPECT_EQ(still.status, 422);
  EXPECT_EQ(still.body["error"]["spans"].size(), 1u);
  // A justification for other text does not count; a blank reason is rejected by name.
  auto blank = call(
      "POST", url + "/submit",
      {{"justifications", {{{"field", "history"}, {"text", "Mr. John Smith"}, {"reason", ""}}}}},
      "", presenter);
  EXPECT_EQ(blank.status, 400);
  EXPECT_EQ(blank.body["error"]["field"], "justifications[0].reason");
  auto ok = call("POST", url + "/submit",
                 {{"justifications",
                   {{{"field", "history"},
                     {"text", "Mr. John Smith"},
                     {"reason", "fictional name used in a teaching case"}}}}},
                 "", presenter);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["status"], "submitted");
  EXPECT_TRUE(ok.body["spans"][0]["justified"].get<bool>());
  EXPECT_EQ(call("PUT", url, {{"fields", fields}}, "", presenter).status, 409);

  auto audit = call("GET", url + "/audit", nullptr, a);
  ASSERT_EQ(audit.status, 200);
  std::vector<std::string> actions;
  for (const auto& r : audit.body["audit"]) actions.push_back(r["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"created", "submit_blocked", "updated",
                                               "submit_blocked", "submitted"}));
  EXPECT_EQ(audit.body["audit"][1]["detail"], "name=1,phone=1");
  EXPECT_EQ(call("GET", url + "/audit", nullptr, "", presenter).status, 403);
}

TEST_F(KnowledgeApiTest, CaseReviewAndVisibilityInTheRoom) {
  auto a = host("a@example.org", "Host A");
  auto b = host("b@example.org", "Host B");
  auto sid = series(a, "ICU briefing");
  auto other = series(b, "Other series");
  auto presenter = invitee(a, sid, "Presenter");
  auto viewer = invitee(a, sid, "Viewer");
  auto outsider = invitee(b, other, "Outsider");
  auto mid = meeting(a, sid);
  const std::string m = "/api/meetings/" + std::to_string(mid);
  auto item = call("POST", m + "/agenda", {{"title", "Case 1"}, {"minutes", 15}}, a);
  int64_t itemId = item.body["id"];
  json fields{{"ageBand", "40-49"},
              {"sex", "female"},
              {"presentation", "Cough."},
              {"question", "Steroids?"}};
  auto created =
      call("POST", m + "/cases", {{"fields", fields}, {"agendaItemId", itemId}}, "", presenter);
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::string url = m + "/cases/" + std::to_string(created.body["id"].get<int64_t>());
  ASSERT_EQ(call("POST", url + "/submit", json::object(), "", presenter).status, 200);

  EXPECT_EQ(call("POST", url + "/review", {{"decision", "approve"}}, "", presenter).status, 403);
  auto noReason = call("POST", url + "/review", {{"decision", "return"}}, a);
  EXPECT_EQ(noReason.status, 400);
  EXPECT_EQ(noReason.body["error"]["field"], "reason");
  EXPECT_EQ(call("POST", url + "/review", {{"decision", "maybe"}}, a).body["error"]["field"],
            "decision");
  auto returned = call("POST", url + "/review",
                       {{"decision", "return"}, {"reason", "remove the ward name"}}, a);
  ASSERT_EQ(returned.status, 200);
  EXPECT_EQ(returned.body["status"], "returned");
  EXPECT_EQ(returned.body["returnReason"], "remove the ward name");
  ASSERT_EQ(call("PUT", url, {{"fields", fields}, {"agendaItemId", itemId}}, "", presenter).status,
            200);
  ASSERT_EQ(call("POST", url + "/submit", json::object(), "", presenter).status, 200);
  ASSERT_EQ(call("POST", url + "/review", {{"decision", "approve"}}, a).status, 200);

  // Approved but its agenda item has not started: hidden from other participants.
  EXPECT_EQ(call("GET", url, nullptr, "", viewer).status, 403);
  EXPECT_EQ(call("GET", m + "/cases", nullptr, "", viewer).body["cases"].size(), 0u);
  ASSERT_EQ(call("POST", m + "/agenda/" + std::to_string(itemId) + "/start", nullptr, a).status,
            200);
  auto seen = call("GET", url, nullptr, "", viewer);
  ASSERT_EQ(seen.status, 200) << seen.raw;
  EXPECT_EQ(seen.body["fields"]["question"], "Steroids?");
  EXPECT_EQ(call("GET", m + "/cases", nullptr, "", viewer).body["cases"].size(), 1u);
  // Not a participant of this conference.
  EXPECT_EQ(call("GET", url, nullptr, "", outsider).status, 403);
  EXPECT_EQ(call("GET", url, nullptr, b).status, 403);

  auto audit = call("GET", url + "/audit", nullptr, a);
  const auto& rows = audit.body["audit"];
  ASSERT_GE(rows.size(), 7u);
  EXPECT_EQ(rows.back()["action"], "viewed");
  EXPECT_EQ(rows.back()["actor"].get<std::string>().rfind("person:", 0), 0u);
  EXPECT_EQ(rows[2]["action"], "returned");
  EXPECT_EQ(rows[2]["actor"].get<std::string>().rfind("account:", 0), 0u);
}

TEST_F(KnowledgeApiTest, CaseImagesAreStoredWithoutMetadata) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto presenter = invitee(a, sid, "Presenter");
  auto viewer = invitee(a, sid, "Viewer");
  auto mid = meeting(a, sid);
  const std::string m = "/api/meetings/" + std::to_string(mid);
  auto created = call("POST", m + "/cases", {{"fields", {{"ageBand", "30-39"}}}}, "", presenter);
  const std::string url = m + "/cases/" + std::to_string(created.body["id"].get<int64_t>());
  // A PNG with the author's name in a tEXt chunk (CRCs are not checked by the stripper).
  auto chunk = [](std::string_view type, std::string_view data) {
    std::string s(3, '\0');
    s.push_back(static_cast<char>(data.size()));
    s.append(type).append(data).append(4, '\0');
    return s;
  };
  std::string png("\x89PNG\r\n\x1A\n", 8);
  png += chunk("IHDR", std::string("\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 13));
  png += chunk("tEXt", std::string("Author\0Dr Zhang Wei", 20));
  png += chunk("IDAT", "pixels");
  png += chunk("IEND", "");

  http::Request req{bhttp::verb::post, url + "/images", 11};
  req.set("X-Invite-Token", presenter);
  req.set(bhttp::field::content_type, "image/png");
  req.body() = png;
  req.prepare_payload();
  auto res = http::route(config_, handler_, req);
  ASSERT_EQ(res.result_int(), 201u) << res.body();
  auto meta = json::parse(res.body());
  EXPECT_EQ(meta["removedSegments"], 1);
  EXPECT_EQ(meta["mime"], "image/png");
  const std::string imageUrl = url + "/images/" + std::to_string(meta["id"].get<int64_t>());

  auto got = call("GET", imageUrl, nullptr, "", presenter);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.contentType, "image/png");
  EXPECT_EQ(got.raw.find("Zhang"), std::string::npos);
  EXPECT_NE(got.raw.find("pixels"), std::string::npos);
  EXPECT_EQ(call("GET", imageUrl, nullptr, "", viewer).status, 403);  // not visible yet
  EXPECT_EQ(call("GET", url, nullptr, "", presenter).body["images"].size(), 1u);

  req.body() = "GIF89a";
  req.prepare_payload();
  auto gif = http::route(config_, handler_, req);
  EXPECT_EQ(gif.result_int(), 400u);
  EXPECT_EQ(json::parse(gif.body())["error"]["field"], "image");
  req.set("X-Invite-Token", viewer);
  req.body() = png;
  req.prepare_payload();
  EXPECT_EQ(http::route(config_, handler_, req).result_int(), 403u);  // not the author
  auto audit = call("GET", url + "/audit", nullptr, a);
  EXPECT_EQ(audit.body["audit"][1]["action"], "image_added");
}

TEST_F(KnowledgeApiTest, CaseFieldsAreValidatedByName) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto mid = meeting(a, sid);
  const std::string url = "/api/meetings/" + std::to_string(mid) + "/cases";
  EXPECT_EQ(call("POST", url, {{"fields", {{"weight", "80kg"}}}}, a).body["error"]["field"],
            "fields.weight");
  EXPECT_EQ(call("POST", url, {{"fields", {{"ageBand", "67"}}}}, a).body["error"]["field"],
            "fields.ageBand");
  EXPECT_EQ(call("POST", url, {{"fields", {{"sex", "m"}}}}, a).body["error"]["field"],
            "fields.sex");
  EXPECT_EQ(call("POST", url, {{"fields", {{"history", 5}}}}, a).body["error"]["field"],
            "fields.history");
  EXPECT_EQ(call("POST", url, json::object(), a).body["error"]["field"], "fields");
  EXPECT_EQ(call("POST", url, {{"fields", json::object()}, {"agendaItemId", 77}}, a)
                .body["error"]["field"],
            "agendaItemId");
  auto draft = call("POST", url, {{"fields", {{"ageBand", "90+"}}}}, a);
  ASSERT_EQ(draft.status, 201);
  auto incomplete =
      call("POST", url + "/" + std::to_string(draft.body["id"].get<int64_t>()) + "/submit",
           json::object(), a);
  EXPECT_EQ(incomplete.status, 400);
  EXPECT_EQ(incomplete.body["error"]["field"], "fields.sex");
}

TEST_F(KnowledgeApiTest, QuestionsOrderByVotesWithAnonymityAndMerging) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto alice = invitee(a, sid, "Alice");
  auto bob = invitee(a, sid, "Bob");
  auto mid = meeting(a, sid);
  const std::string q = "/api/meetings/" + std::to_string(mid) + "/questions";

  auto q1 = call("POST", q, {{"text", "How do you mobilise ICU beds?"}}, "", alice);
  ASSERT_EQ(q1.status, 201) << q1.raw;
  auto q2 = call("POST", q, {{"text", "Which sedation protocol?"}, {"anonymous", true}}, "", bob);
  ASSERT_EQ(q2.status, 201);
  auto q3 = call("POST", q, {{"text", "How to find more ICU beds quickly?"}}, "", bob);
  const std::string v2 = q + "/" + std::to_string(q2.body["id"].get<int64_t>());
  const std::string v3 = q + "/" + std::to_string(q3.body["id"].get<int64_t>());
  const std::string v1 = q + "/" + std::to_string(q1.body["id"].get<int64_t>());

  auto first = call("POST", v2 + "/vote", nullptr, "", alice);
  EXPECT_TRUE(first.body["voted"].get<bool>());
  EXPECT_EQ(first.body["votes"], 1);
  auto again = call("POST", v2 + "/vote", nullptr, "", alice);
  EXPECT_FALSE(again.body["voted"].get<bool>());
  EXPECT_EQ(again.body["votes"], 1);
  EXPECT_EQ(call("POST", v2 + "/vote", nullptr, a).body["votes"], 2);
  EXPECT_EQ(call("POST", v3 + "/vote", nullptr, "", alice).body["votes"], 1);

  auto list = call("GET", q, nullptr, "", alice);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["questions"].size(), 3u);
  EXPECT_EQ(list.body["questions"][0]["text"], "Which sedation protocol?");
  EXPECT_TRUE(list.body["questions"][0]["askedBy"].is_null());  // anonymous to the room
  EXPECT_EQ(list.body["questions"][1]["askedBy"], "Bob");
  auto hostView = call("GET", q, nullptr, a);
  EXPECT_EQ(hostView.body["questions"][0]["askedBy"], "Bob");  // known to hosts
  EXPECT_FALSE(hostView.body["questions"][0]["askerKey"].get<std::string>().empty());

  // Merge the duplicate: its vote moves (Alice voted for both: counted once).
  EXPECT_EQ(call("POST", v3 + "/merge", {{"into", q1.body["id"]}}, "", alice).status, 403);
  EXPECT_EQ(call("POST", v3 + "/merge", {{"into", "one"}}, a).body["error"]["field"], "into");
  EXPECT_EQ(call("POST", v3 + "/merge", {{"into", 9999}}, a).body["error"]["field"], "into");
  ASSERT_EQ(call("POST", v3 + "/merge", {{"into", q1.body["id"]}}, a).status, 200);
  ASSERT_EQ(call("POST", v1 + "/vote", nullptr, "", alice).body["votes"], 1);
  auto merged = call("GET", q, nullptr, a);
  EXPECT_EQ(merged.body["questions"].size(), 2u);
  EXPECT_EQ(call("POST", v3 + "/vote", nullptr, "", bob).status, 409);

  EXPECT_EQ(call("POST", q, {{"text", ""}}, "", alice).body["error"]["field"], "text");
  EXPECT_EQ(
      call("POST", q, {{"text", "Why?"}, {"anonymous", "yes"}}, "", alice).body["error"]["field"],
      "anonymous");
  EXPECT_EQ(call("POST", v1 + "/answer", {{"answer", "x"}}, "", alice).status, 403);
}

TEST_F(KnowledgeApiTest, AnsweredQuestionsBecomeASearchableFaqAcrossTheSeries) {
  auto a = host("a@example.org", "Host A");
  auto b = host("b@example.org", "Host B");
  auto sid = series(a, "ICU briefing");
  auto other = series(b, "Other series");
  auto guest = invitee(a, sid, "Guest");
  auto outsider = invitee(b, other, "Outsider");
  auto week1 = meeting(a, sid, "Week 1");
  const std::string m1 = "/api/meetings/" + std::to_string(week1);
  auto item = call("POST", m1 + "/agenda",
                   {{"title", "Mobilising ICU staff and beds"}, {"minutes", 20}}, a);
  auto q1 = call("POST", m1 + "/questions",
                 {{"text", "How to mobilise ICU beds, fast?"}, {"agendaItemId", item.body["id"]}},
                 "", guest);
  ASSERT_EQ(q1.status, 201) << q1.raw;
  const std::string answerText =
      "Convert step-down units first; \"surge\" teams of 1 doctor, 3 nurses.\nReview daily.";
  auto answered =
      call("POST", m1 + "/questions/" + std::to_string(q1.body["id"].get<int64_t>()) + "/answer",
           {{"answer", answerText}}, a);
  ASSERT_EQ(answered.status, 200) << answered.raw;
  EXPECT_EQ(answered.body["status"], "answered");
  call("POST", m1 + "/questions", {{"text", "Unanswered question about masks"}}, "", guest);
  auto zh = call("POST", m1 + "/questions", {{"text", "如何快速调配ICU床位？"}}, "", guest);
  ASSERT_EQ(
      call("POST", m1 + "/questions/" + std::to_string(zh.body["id"].get<int64_t>()) + "/answer",
           {{"answer", "先改造过渡病房。"}}, a)
          .status,
      200);

  // A week later, someone in another meeting of the series searches.
  clock_.advance(std::chrono::hours(24 * 7));
  meeting(a, sid, "Week 2");
  const std::string faq = "/api/series/" + std::to_string(sid) + "/faq";
  auto hit = call("GET", faq + "?q=mobilise%20ICU", nullptr, "", guest);
  ASSERT_EQ(hit.status, 200) << hit.raw;
  ASSERT_EQ(hit.body["results"].size(), 1u);
  EXPECT_EQ(hit.body["results"][0]["topic"], "Mobilising ICU staff and beds");
  EXPECT_EQ(hit.body["results"][0]["meeting"], "Week 1");
  EXPECT_EQ(hit.body["results"][0]["answer"], answerText);
  EXPECT_EQ(call("GET", faq + "?q=surge", nullptr, a).body["results"].size(), 1u);
  auto zhHit = call("GET", faq + "?q=%E8%B0%83%E9%85%8DICU", nullptr, a);  // 调配ICU
  ASSERT_EQ(zhHit.body["results"].size(), 1u) << zhHit.raw;
  EXPECT_EQ(zhHit.body["results"][0]["answer"], "先改造过渡病房。");
  EXPECT_EQ(call("GET", faq + "?q=masks", nullptr, a).body["results"].size(), 0u);  // not answered
  EXPECT_EQ(call("GET", faq + "?q=%22OR%20*", nullptr, a).status, 200);  // FTS syntax is inert
  EXPECT_EQ(call("GET", faq + "?q=beds", nullptr, "", outsider).status, 403);
  EXPECT_EQ(call("GET", faq + "?q=beds").status, 401);
  EXPECT_EQ(call("GET", faq + "?q=", nullptr, a).body["error"]["field"], "q");
  EXPECT_EQ(call("GET", faq + "?q=beds&limit=0", nullptr, a).body["error"]["field"], "limit");

  auto csv = call("GET", faq + ".csv", nullptr, "", guest);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.contentType, "text/csv; charset=utf-8");
  EXPECT_NE(csv.raw.find(",\"How to mobilise ICU beds, fast?\","), std::string::npos) << csv.raw;
  EXPECT_NE(csv.raw.find("\"Convert step-down units first; \"\"surge\"\" teams of 1 doctor, 3 "
                         "nurses.\nReview daily.\""),
            std::string::npos)
      << csv.raw;
  EXPECT_EQ(
      csv.raw.substr(0, csv.raw.find("\r\n")),
      "question_id,meeting_id,meeting,meeting_start_utc,topic,question,answer,answered_at_utc");
  auto md = call("GET", faq + ".md", nullptr, a);
  ASSERT_EQ(md.status, 200);
  EXPECT_NE(md.raw.find("# FAQ: ICU briefing"), std::string::npos);
  EXPECT_NE(md.raw.find("### How to mobilise ICU beds, fast?"), std::string::npos) << md.raw;
  EXPECT_NE(md.raw.find("Review daily."), std::string::npos);
  EXPECT_NE(md.raw.find("### 如何快速调配ICU床位？"), std::string::npos);
}

TEST_F(KnowledgeApiTest, SeriesMeetingsListNamesTheCurrentAndNextMeeting) {
  auto a = host("a@example.org", "Host A");
  auto b = host("b@example.org", "Host B");
  auto sid = series(a, "ICU briefing");
  auto guest = invitee(a, sid, "Guest");
  const std::string url = "/api/series/" + std::to_string(sid) + "/meetings";
  auto empty = call("GET", url, nullptr, a);
  ASSERT_EQ(empty.status, 200) << empty.raw;
  EXPECT_EQ(empty.body["meetings"].size(), 0u);
  EXPECT_TRUE(empty.body["current"].is_null());

  const int64_t now = clock_.wallMillis();
  auto make = [&](const std::string& title, int64_t startsAt) {
    auto r = call("POST", url, {{"title", title}, {"startsAt", startsAt}, {"durationMinutes", 60}},
                  a);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body["id"].get<int64_t>();
  };
  auto later = make("Week 3", now + 14 * 86'400'000LL);
  auto past = make("Week 1", now - 7 * 86'400'000LL);
  auto running = make("Week 2", now - 10 * 60'000);
  auto soon = make("Week 2b", now + 86'400'000LL);

  auto r = call("GET", url, nullptr, "", guest);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["meetings"].size(), 4u);
  std::vector<int64_t> order;
  for (const auto& m : r.body["meetings"]) order.push_back(m["id"].get<int64_t>());
  EXPECT_EQ(order, (std::vector<int64_t>{past, running, soon, later}));
  EXPECT_EQ(r.body["current"], running);
  EXPECT_EQ(r.body["next"], soon);
  EXPECT_EQ(r.body["title"], "ICU briefing");
  EXPECT_EQ(r.body["room"], "series-" + std::to_string(sid));
  EXPECT_EQ(r.body["you"]["name"], "Guest");
  EXPECT_EQ(r.body["you"]["host"], false);
  EXPECT_EQ(call("GET", url, nullptr, a).body["you"]["host"], true);

  clock_.advance(std::chrono::hours(2));  // Week 2 is over
  EXPECT_TRUE(call("GET", url, nullptr, a).body["current"].is_null());

  EXPECT_EQ(call("GET", url).status, 401);
  EXPECT_EQ(call("GET", url, nullptr, b).status, 403);
  EXPECT_EQ(call("GET", "/api/series/999/meetings", nullptr, a).status, 404);
  EXPECT_EQ(call("DELETE", url, nullptr, a).status, 405);
}

TEST_F(KnowledgeApiTest, FaqFindsTermsShorterThanATrigram) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto guest = invitee(a, sid, "Guest");
  auto mid = meeting(a, sid);
  const std::string m = "/api/meetings/" + std::to_string(mid);
  auto answer = [&](const std::string& question, const std::string& text) {
    auto q = call("POST", m + "/questions", {{"text", question}}, "", guest);
    ASSERT_EQ(q.status, 201) << q.raw;
    auto r = call("POST", m + "/questions/" + std::to_string(q.body["id"].get<int64_t>()) + "/answer",
                  {{"answer", text}}, a);
    ASSERT_EQ(r.status, 200) << r.raw;
  };
  answer("When to repeat a CT scan?", "After 48 hours if the patient worsens.");
  answer("肺炎患者何时俯卧位？", "氧合指数低于150时。");
  answer("Oxygen targets?", "SpO2 92 to 96 percent.");
  const std::string faq = "/api/series/" + std::to_string(sid) + "/faq?q=";

  auto ct = call("GET", faq + "ct", nullptr, "", guest);  // 2 letters, other case
  ASSERT_EQ(ct.status, 200) << ct.raw;
  ASSERT_EQ(ct.body["results"].size(), 1u) << ct.raw;
  EXPECT_EQ(ct.body["results"][0]["question"], "When to repeat a CT scan?");
  auto zh = call("GET", faq + "%E8%82%BA%E7%82%8E", nullptr, a);  // 肺炎: 2 characters
  ASSERT_EQ(zh.body["results"].size(), 1u) << zh.raw;
  EXPECT_EQ(zh.body["results"][0]["answer"], "氧合指数低于150时。");
  // Every word must match; a long word beside a short one is matched as a substring too.
  EXPECT_EQ(call("GET", faq + "CT%20scan", nullptr, a).body["results"].size(), 1u);
  EXPECT_EQ(call("GET", faq + "CT%20oxygen", nullptr, a).body["results"].size(), 0u);
  EXPECT_EQ(call("GET", faq + "O2", nullptr, a).body["results"].size(), 1u);
  EXPECT_EQ(call("GET", faq + "xq", nullptr, a).body["results"].size(), 0u);
  EXPECT_EQ(call("GET", faq + "to&limit=1", nullptr, a).body["results"].size(), 1u);
  EXPECT_EQ(call("GET", faq + "to", nullptr, a).body["results"].size(), 2u);
}

TEST_F(KnowledgeApiTest, FaqSurvivesARestart) {
  auto path =
      std::filesystem::temp_directory_path() / ("rounds-faq-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  open(path.string());
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto mid = meeting(a, sid);
  const std::string m = "/api/meetings/" + std::to_string(mid);
  auto q = call("POST", m + "/questions", {{"text", "Oxygen targets in pregnancy?"}}, a);
  ASSERT_EQ(
      call("POST", m + "/questions/" + std::to_string(q.body["id"].get<int64_t>()) + "/answer",
           {{"answer", "SpO2 at least 95 percent"}}, a)
          .status,
      200);
  open(path.string());  // a new store on the same file, as after a restart
  auto hit = call("GET", "/api/series/" + std::to_string(sid) + "/faq?q=pregnancy", nullptr, a);
  EXPECT_EQ(hit.status, 200) << hit.raw;
  EXPECT_EQ(hit.body["results"].size(), 1u);
  knowledge_.reset();
  store_.reset();
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST_F(KnowledgeApiTest, AttendanceReportCountsReconnectsAndThreshold) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto guest = invitee(a, sid, "Guest");
  auto mid = meeting(a, sid);  // starts now, 60 minutes
  const std::string room = "series-" + std::to_string(sid);
  // Dr Li: 0-30 min, drops, back 33-60. Dr Wu: 10-40 min.
  auto li1 = attendance_->joined(room, "p1", "Dr Li");
  clock_.advance(std::chrono::minutes(10));
  auto wu = attendance_->joined(room, "p2", "Dr Wu, MD");
  clock_.advance(std::chrono::minutes(20));
  attendance_->left(li1, "disconnected");
  clock_.advance(std::chrono::minutes(3));
  auto li2 = attendance_->joined(room, "p3", "Dr Li");
  clock_.advance(std::chrono::minutes(7));
  attendance_->left(wu, "left");
  clock_.advance(std::chrono::minutes(30));
  attendance_->left(li2, "left");

  const std::string url = "/api/meetings/" + std::to_string(mid) + "/attendance";
  auto r = call("GET", url, nullptr, a);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["people"].size(), 2u);
  const auto& li = r.body["people"][0];
  EXPECT_EQ(li["name"], "Dr Li");
  EXPECT_EQ(li["intervals"].size(), 2u);
  EXPECT_EQ(li["presentMs"], 57 * 60'000);
  EXPECT_NEAR(li["percent"].get<double>(), 95.0, 1e-9);
  EXPECT_TRUE(li["meetsThreshold"].get<bool>());
  const auto& wuRow = r.body["people"][1];
  EXPECT_EQ(wuRow["presentMs"], 30 * 60'000);
  EXPECT_FALSE(wuRow["meetsThreshold"].get<bool>());
  EXPECT_TRUE(call("GET", url + "?threshold=50", nullptr, a)
                  .body["people"][1]["meetsThreshold"]
                  .get<bool>());
  EXPECT_EQ(call("GET", url + "?threshold=0", nullptr, a).body["error"]["field"], "threshold");
  EXPECT_EQ(call("GET", url + "?threshold=101", nullptr, a).body["error"]["field"], "threshold");
  EXPECT_EQ(call("GET", url, nullptr, "", guest).status, 403);

  auto csv = call("GET", url + ".csv", nullptr, a);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(
      csv.raw,
      "name,joined_utc,left_utc,leave_reason,present_minutes,percent_of_session,meets_threshold\r\n"
      "Dr Li,2023-11-14T22:13:20Z,2023-11-14T22:43:20Z,disconnected,57.0,95.0,yes\r\n"
      "Dr Li,2023-11-14T22:46:20Z,2023-11-14T23:13:20Z,left,57.0,95.0,yes\r\n"
      "\"Dr Wu, MD\",2023-11-14T22:23:20Z,2023-11-14T22:53:20Z,left,30.0,50.0,no\r\n");
}

TEST_F(KnowledgeApiTest, AttendanceMatchesPeopleByIdentityAndGuestsByName) {
  auto a = host("a@example.org", "Host A");
  auto sid = series(a, "ICU briefing");
  auto mid = meeting(a, sid);  // starts now, 60 minutes
  const std::string room = "series-" + std::to_string(sid);
  // Two invitees called "Dr Chen" and a lobby guest who typed "Dr Chen" too.
  int64_t chen1 = accounts_->createPerson(person("Dr Chen"))->id;
  int64_t chen2 = accounts_->createPerson(person("Dr Chen"))->id;
  auto c1 = attendance_->joined(room, "p1", "Dr Chen", chen1);
  auto c2 = attendance_->joined(room, "p2", "Dr Chen", chen2);
  auto g = attendance_->joined(room, "p3", "Dr Chen");
  clock_.advance(std::chrono::minutes(20));
  attendance_->left(c1, "disconnected");
  attendance_->left(g, "left");
  // The first comes back after the directory renamed them: still one person.
  auto c1b = attendance_->joined(room, "p4", "Dr Chen Wei", chen1);
  clock_.advance(std::chrono::minutes(20));
  attendance_->left(c1b, "left");
  attendance_->left(c2, "left");

  auto r = call("GET", "/api/meetings/" + std::to_string(mid) + "/attendance", nullptr, a);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["people"].size(), 3u) << r.raw;
  std::map<std::string, json> byKey;
  for (const auto& p : r.body["people"])
    byKey[p["personId"].is_null() ? "guest" : std::to_string(p["personId"].get<int64_t>())] = p;
  ASSERT_EQ(byKey.size(), 3u);
  const std::string k1 = std::to_string(chen1), k2 = std::to_string(chen2);
  EXPECT_EQ(byKey[k1]["name"], "Dr Chen Wei");
  EXPECT_EQ(byKey[k1]["intervals"].size(), 2u);
  EXPECT_EQ(byKey[k1]["presentMs"], 40 * 60'000);
  EXPECT_EQ(byKey[k2]["name"], "Dr Chen");
  EXPECT_EQ(byKey[k2]["presentMs"], 40 * 60'000);
  EXPECT_EQ(byKey["guest"]["name"], "Dr Chen");
  EXPECT_EQ(byKey["guest"]["presentMs"], 20 * 60'000);
}

}  // namespace
}  // namespace rounds
