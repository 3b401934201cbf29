// Routes of the clinical layer: sign-in, directory, series, occurrences and invitations.
// Threading: see clinical_api.hpp.
#include "control/api/clinical_api.hpp"

#include "control/api/clinical_json.hpp"

namespace rounds {

using nlohmann::json;
using namespace api;

namespace {

// The value of cookie `name` in a Cookie header (RFC 6265 §5.4: "a=b; c=d").
std::string cookieValue(const HttpRequest& req, std::string_view name) {
  auto it = req.headers.find("cookie");
  if (it == req.headers.end()) return "";
  std::string_view rest = it->second;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
  }
  return "";
}

// RFC 6265 §4.1: HttpOnly keeps it from scripts, SameSite=Strict from cross-site requests.
std::string sessionCookie(const std::string& token, int64_t maxAgeSeconds) {
  return std::string(ClinicalApi::kSessionCookie) + "=" + token +
         "; Path=/api; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(maxAgeSeconds);
}

Result<ExceptionInput> readException(const json& b) {
  ExceptionInput x;
  auto orig = reqString(b, "originalStart");
  if (!orig) return orig.error();
  auto action = reqString(b, "action");
  if (!action) return action.error();
  auto ns = optString(b, "newStart");
  if (!ns) return ns.error();
  auto d = optInt(b, "durationMinutes");
  if (!d) return d.error();
  if (*d && (**d < 1 || **d > 24 * 60))
    return makeError("invalid_field", "durationMinutes: must be between 1 and 1440");
  x.originalStart = *orig;
  x.action = *action;
  x.newStart = ns->value_or("");
  x.durationMinutes = static_cast<int>(d->value_or(0));
  return x;
}

}  // namespace

std::string ClinicalApi::sessionToken(const HttpRequest& req) {
  std::string bearer = bearerToken(req);
  if (!bearer.empty()) return bearer;
  const bool safe = req.method == "GET" || req.method == "HEAD";
  if (!safe && !req.headers.count("x-rounds-csrf")) return "";
  return cookieValue(req, kSessionCookie);
}

std::optional<HttpResponse> ClinicalApi::requireHost(const HttpRequest& req) {
  auto caller = accounts_.authenticate(sessionToken(req));
  if (!caller) return fromError(caller.error());
  return std::nullopt;
}

std::optional<HttpResponse> ClinicalApi::handle(const HttpRequest& req) {
  const std::string& p = req.path;
  // Public: creating the first account, signing in, and what an invitation or delegation opens.
  if (p == "/api/accounts") return accountsRoute(req);
  if (p == "/api/sessions" || startsWith(p, "/api/sessions/"))
    return sessionsRoute(req, p.size() > 13 ? p.substr(14) : "");
  if (startsWith(p, "/api/invitations/")) return invitationRoute(req, p.substr(17));
  if (startsWith(p, "/api/delegations/")) return delegationRoute(req, p.substr(17));

  const bool ours = p == "/api/me" || p == "/api/organisations" || p == "/api/people" ||
                    startsWith(p, "/api/people/") || p == "/api/series" ||
                    startsWith(p, "/api/series/");
  if (!ours) return std::nullopt;
  auto caller = accounts_.authenticate(sessionToken(req));
  if (!caller) return fromError(caller.error());
  if (p == "/api/me") {
    if (req.method != "GET") return methodNotAllowed(req, "GET");
    ROUNDS_API_TRY(acc, accounts_.account(caller->accountId));
    ROUNDS_API_TRY(person, accounts_.person(acc->personId));
    return jsonResponse(
        200, json{{"accountId", acc->id}, {"email", acc->email}, {"person", toJson(*person)}});
  }
  if (p == "/api/organisations") return organisationsRoute(req, *caller);
  if (p == "/api/people") return peopleRoute(req, *caller, "");
  if (startsWith(p, "/api/people/")) return peopleRoute(req, *caller, p.substr(12));
  if (p == "/api/series") return seriesRoute(req, *caller, "");
  return seriesRoute(req, *caller, p.substr(12));
}

HttpResponse ClinicalApi::accountsRoute(const HttpRequest& req) {
  if (req.method != "POST") return methodNotAllowed(req, "POST");
  std::optional<Caller> caller;
  if (const std::string token = sessionToken(req); !token.empty()) {
    auto c = accounts_.authenticate(token);
    if (!c) return fromError(c.error());
    caller = *c;
  }
  ROUNDS_API_TRY(body, parseBody(req));
  NewAccount in;
  ROUNDS_API_TRY(email, reqString(*body, "email"));
  ROUNDS_API_TRY(password, reqString(*body, "password"));
  ROUNDS_API_TRY(person, readPerson(*body));
  in.email = *email;
  in.password = *password;
  in.person = *person;
  if (auto it = req.headers.find("x-rounds-bootstrap"); it != req.headers.end())
    in.bootstrapToken = it->second;
  ROUNDS_API_TRY(acc, accounts_.createAccount(caller, std::move(in)));
  ROUNDS_API_TRY(created, accounts_.person(acc->personId));
  return jsonResponse(
      201, json{{"accountId", acc->id}, {"email", acc->email}, {"person", toJson(*created)}});
}

HttpResponse ClinicalApi::sessionsRoute(const HttpRequest& req, const std::string& rest) {
  if (rest.empty()) {
    if (req.method != "POST") return methodNotAllowed(req, "POST");
    ROUNDS_API_TRY(body, parseBody(req));
    ROUNDS_API_TRY(email, reqString(*body, "email"));
    ROUNDS_API_TRY(password, reqString(*body, "password"));
    ROUNDS_API_TRY(in, accounts_.login(*email, *password));
    auto r = jsonResponse(201, json{{"token", in->token},
                                    {"expiresAt", utcMs(in->expiresAtMs)},
                                    {"accountId", in->account.id}});
    r.headers["Set-Cookie"] =
        sessionCookie(in->token, (in->expiresAtMs - accounts_.nowMs()) / 1000);
    return r;
  }
  if (rest != "current") return notFound(req);
  if (req.method != "DELETE") return methodNotAllowed(req, "DELETE");
  const std::string token = sessionToken(req);
  ROUNDS_API_TRY(caller, accounts_.authenticate(token));
  ROUNDS_API_TRY(done, accounts_.logout(token));
  auto r = noContent();
  r.headers["Set-Cookie"] = sessionCookie("", 0);
  return r;
}

HttpResponse ClinicalApi::organisationsRoute(const HttpRequest& req, const Caller&) {
  if (req.method == "GET") {
    ROUNDS_API_TRY(list, accounts_.organisations());
    json out = json::array();
    for (const auto& o : *list) out.push_back(toJson(o));
    return jsonResponse(200, json{{"organisations", out}});
  }
  if (req.method != "POST") return methodNotAllowed(req, "GET, POST");
  ROUNDS_API_TRY(body, parseBody(req));
  OrganisationRecord in;
  ROUNDS_API_TRY(name, reqString(*body, "name"));
  ROUNDS_API_TRY(country, reqString(*body, "country"));
  ROUNDS_API_TRY(kind, reqString(*body, "kind"));
  in.name = *name;
  in.country = *country;
  in.kind = *kind;
  ROUNDS_API_TRY(org, accounts_.createOrganisation(in));
  return jsonResponse(201, toJson(*org));
}

HttpResponse ClinicalApi::peopleRoute(const HttpRequest& req, const Caller&,
                                      const std::string& rest) {
  if (!rest.empty()) {
    auto id = parseId(rest);
    if (!id) return notFound(req);
    if (req.method != "GET") return methodNotAllowed(req, "GET");
    ROUNDS_API_TRY(p, accounts_.person(*id));
    return jsonResponse(200, toJson(*p));
  }
  if (req.method == "GET") {
    ROUNDS_API_TRY(list, accounts_.people());
    json out = json::array();
    for (const auto& p : *list) out.push_back(toJson(p));
    return jsonResponse(200, json{{"people", out}});
  }
  if (req.method != "POST") return methodNotAllowed(req, "GET, POST");
  ROUNDS_API_TRY(body, parseBody(req));
  ROUNDS_API_TRY(in, readPerson(*body));
  ROUNDS_API_TRY(p, accounts_.createPerson(*in));
  return jsonResponse(201, toJson(*p));
}

HttpResponse ClinicalApi::seriesRoute(const HttpRequest& req, const Caller& caller,
                                      const std::string& rest) {
  if (rest.empty()) {
    if (req.method == "GET") {
      ROUNDS_API_TRY(list, series_.list(caller));
      json out = json::array();
      for (const auto& s : *list) out.push_back(toJson(s));
      return jsonResponse(200, json{{"series", out}});
    }
    if (req.method != "POST") return methodNotAllowed(req, "GET, POST");
    ROUNDS_API_TRY(body, parseBody(req));
    ROUNDS_API_TRY(in, readSeries(*body));
    ROUNDS_API_TRY(s, series_.create(caller, *in));
    return jsonResponse(201, toJson(*s));
  }
  auto [idText, sub] = head(rest);
  auto id = parseId(idText);
  if (!id) return notFound(req);
  if (sub.empty()) {
    if (req.method == "GET") {
      ROUNDS_API_TRY(s, series_.get(caller, *id));
      return jsonResponse(200, toJson(*s));
    }
    if (req.method != "PUT") return methodNotAllowed(req, "GET, PUT");
    ROUNDS_API_TRY(body, parseBody(req));
    ROUNDS_API_TRY(in, readSeries(*body));
    ROUNDS_API_TRY(s, series_.update(caller, *id, *in));
    return jsonResponse(200, toJson(*s));
  }
  if (sub == "exceptions") {
    if (req.method != "POST") return methodNotAllowed(req, "POST");
    ROUNDS_API_TRY(body, parseBody(req));
    ROUNDS_API_TRY(x, readException(*body));
    ROUNDS_API_TRY(s, series_.putException(caller, *id, *x));
    return jsonResponse(200, toJson(*s));
  }
  if (sub == "occurrences") {
    if (req.method != "GET") return methodNotAllowed(req, "GET");
    ROUNDS_API_TRY(s, series_.get(caller, *id));
    ROUNDS_API_TRY(me, accounts_.person(caller.personId));
    ROUNDS_API_TRY(w, readWindow(req, me->timeZone, accounts_.nowMs()));
    ROUNDS_API_TRY(occ, series_.occurrences(*s, w->from, w->to));
    return jsonResponse(200, occurrencesResponse(*s, *w, *occ));
  }
  if (sub == "host") return hostRoute(req, caller, *id);
  if (sub == "passcode") return passcodeRoute(req, caller, *id);
  auto [section, subRest] = head(sub);
  if (section == "invitations") return invitationsRoute(req, caller, *id, subRest);
  if (section == "roles") return rolesRoute(req, caller, *id, subRest);
  if (section == "delegations") return delegationsRoute(req, caller, *id, subRest);
  return notFound(req);
}

HttpResponse ClinicalApi::invitationsRoute(const HttpRequest& req, const Caller& caller,
                                           int64_t seriesId, const std::string& sub) {
  if (!sub.empty()) {
    auto iid = parseId(sub);
    if (!iid) return notFound(req);
    if (req.method != "DELETE") return methodNotAllowed(req, "DELETE");
    ROUNDS_API_TRY(done, series_.revoke(caller, seriesId, *iid));
    return noContent();
  }
  if (req.method == "GET") {
    ROUNDS_API_TRY(list, series_.invitations(caller, seriesId));
    json out = json::array();
    for (const auto& i : *list) out.push_back(invitationJson(i, accounts_.nowMs()));
    return jsonResponse(200, json{{"invitations", out}});
  }
  if (req.method != "POST") return methodNotAllowed(req, "GET, POST");
  ROUNDS_API_TRY(body, parseBody(req));
  auto it = body->find("invitees");
  if (it == body->end() || !it->is_array())
    return errorResponse(400, "invalid_field", "invitees: must be an array", "invitees");
  std::vector<InviteeInput> invitees;
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string path = "invitees[" + std::to_string(i) + "]";
    if (!(*it)[i].is_object())
      return errorResponse(400, "invalid_field", path + ": must be an object", path);
    ROUNDS_API_TRY(pid, reqInt((*it)[i], "personId", path));
    ROUNDS_API_TRY(exp, readExpiresAt((*it)[i], path));
    invitees.push_back(InviteeInput{*pid, *exp});
  }
  ROUNDS_API_TRY(issued, series_.invite(caller, seriesId, invitees));
  json out = json::array();
  for (const auto& i : *issued) {
    json j = invitationJson(i.record, accounts_.nowMs());
    j["token"] = i.token;
    j["joinUrl"] = i.joinUrl;
    j["calendarUrl"] = i.calendarUrl;
    out.push_back(j);
  }
  return jsonResponse(201, json{{"invitations", out}});
}

HttpResponse ClinicalApi::invitationRoute(const HttpRequest& req, const std::string& rest) {
  auto [token, sub] = head(rest);
  if (req.method != "GET" && req.method != "HEAD") return methodNotAllowed(req, "GET");
  ROUNDS_API_TRY(opened, series_.open(token));
  if (sub.empty()) {
    ROUNDS_API_TRY(role, series_.roleIn(opened->series, opened->invitee.id));
    return jsonResponse(200,
                        json{{"invitation", invitationJson(opened->invitation, accounts_.nowMs())},
                             {"invitee", toJson(opened->invitee)},
                             {"role", role->empty() ? std::string("participant") : *role},
                             {"series", toJson(opened->series)},
                             {"joinUrl", opened->joinUrl},
                             {"calendarUrl", series_.calendarUrl(token)}});
  }
  if (sub == "occurrences") {
    ROUNDS_API_TRY(w, readWindow(req, opened->invitee.timeZone, accounts_.nowMs()));
    ROUNDS_API_TRY(occ, series_.occurrences(opened->series, w->from, w->to));
    return jsonResponse(200, occurrencesResponse(opened->series, *w, *occ));
  }
  if (sub == "calendar.ics") {
    ROUNDS_API_TRY(ics, series_.calendar(*opened));
    HttpResponse r;
    r.status = 200;
    r.contentType = "text/calendar; charset=utf-8; method=PUBLISH";
    r.headers["Content-Disposition"] =
        "attachment; filename=\"series-" + std::to_string(opened->series.id) + ".ics\"";
    r.headers["Cache-Control"] = "no-store";
    r.body = std::move(*ics);
    return r;
  }
  return notFound(req);
}

}  // namespace rounds
