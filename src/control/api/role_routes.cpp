// Routes for per-conference roles, host hand-over and delegation invites (docs/api.md).
// Threading: see clinical_api.hpp.
#include "control/api/clinical_api.hpp"
#include "control/api/clinical_json.hpp"

namespace rounds {

using nlohmann::json;
using namespace api;

HttpResponse ClinicalApi::rolesRoute(const HttpRequest& req, const Caller& caller, int64_t seriesId,
                                     const std::string& sub) {
  if (sub.empty()) {
    if (req.method != "GET") return methodNotAllowed(req, "GET");
    ROUNDS_API_TRY(list, series_.roles(caller, seriesId));
    json out = json::array();
    for (const auto& r : *list) {
      json j{{"personId", r.personId}, {"role", r.role}};
      // Labels in the room show organisation, country and role.
      if (auto p = accounts_.person(r.personId)) {
        j["displayName"] = p->displayName;
        j["country"] = p->country;
        j["organisationId"] = p->organisationId ? json(*p->organisationId) : json(nullptr);
      }
      out.push_back(j);
    }
    return jsonResponse(200, json{{"seriesId", seriesId}, {"roles", out}});
  }
  auto personId = parseId(sub);
  if (!personId) return notFound(req);
  if (req.method == "DELETE") {
    ROUNDS_API_TRY(done, series_.removeRole(caller, seriesId, *personId));
    if (events_) events_->onRolesChanged("series-" + std::to_string(seriesId));
    return noContent();
  }
  if (req.method != "PUT") return methodNotAllowed(req, "PUT, DELETE");
  ROUNDS_API_TRY(body, parseBody(req));
  ROUNDS_API_TRY(role, reqString(*body, "role"));
  ROUNDS_API_TRY(done, series_.setRole(caller, seriesId, *personId, *role));
  if (events_) events_->onRolesChanged("series-" + std::to_string(seriesId));
  return jsonResponse(200, json{{"seriesId", seriesId}, {"personId", *personId}, {"role", *role}});
}

HttpResponse ClinicalApi::hostRoute(const HttpRequest& req, const Caller& caller,
                                    int64_t seriesId) {
  if (req.method != "POST") return methodNotAllowed(req, "POST");
  ROUNDS_API_TRY(body, parseBody(req));
  ROUNDS_API_TRY(accountId, reqInt(*body, "accountId"));
  ROUNDS_API_TRY(s, series_.handOver(caller, seriesId, *accountId));
  if (events_) events_->onRolesChanged(SeriesService::roomOf(*s));
  return jsonResponse(200, toJson(*s));
}

HttpResponse ClinicalApi::passcodeRoute(const HttpRequest& req, const Caller& caller,
                                        int64_t seriesId) {
  if (req.method == "GET") {
    ROUNDS_API_TRY(s, series_.get(caller, seriesId));  // host or co-host only
    ROUNDS_API_TRY(has, series_.hasPasscode(seriesId));
    return jsonResponse(200, json{{"seriesId", seriesId}, {"passcode", *has}});
  }
  if (req.method == "DELETE") {
    ROUNDS_API_TRY(done, series_.clearPasscode(caller, seriesId));
    return noContent();
  }
  if (req.method != "PUT") return methodNotAllowed(req, "GET, PUT, DELETE");
  ROUNDS_API_TRY(body, parseBody(req));
  ROUNDS_API_TRY(passcode, reqString(*body, "passcode"));
  ROUNDS_API_TRY(done, series_.setPasscode(caller, seriesId, *passcode));
  return noContent();
}

HttpResponse ClinicalApi::delegationsRoute(const HttpRequest& req, const Caller& caller,
                                           int64_t seriesId, const std::string& sub) {
  if (!sub.empty()) {
    auto did = parseId(sub);
    if (!did) return notFound(req);
    if (req.method != "DELETE") return methodNotAllowed(req, "DELETE");
    ROUNDS_API_TRY(done, delegations_.revoke(caller, seriesId, *did));
    return noContent();
  }
  if (req.method == "GET") {
    ROUNDS_API_TRY(list, delegations_.list(caller, seriesId));
    json out = json::array();
    for (const auto& d : *list) out.push_back(delegationJson(d, accounts_.nowMs()));
    return jsonResponse(200, json{{"delegations", out}});
  }
  if (req.method != "POST") return methodNotAllowed(req, "GET, POST");
  ROUNDS_API_TRY(body, parseBody(req));
  NewDelegation in;
  ROUNDS_API_TRY(coordinator, reqInt(*body, "coordinatorPersonId"));
  ROUNDS_API_TRY(quota, reqInt(*body, "quota"));
  ROUNDS_API_TRY(expires, readExpiresAt(*body, ""));
  if (*quota < 1 || *quota > 500)
    return errorResponse(400, "invalid_field", "quota: must be between 1 and 500", "quota");
  in.coordinatorPersonId = *coordinator;
  in.quota = static_cast<int>(*quota);
  in.expiresAtMs = *expires;
  ROUNDS_API_TRY(issued, delegations_.create(caller, seriesId, in));
  json j = delegationJson(issued->record, accounts_.nowMs());
  j["token"] = issued->token;
  j["url"] = issued->url;
  return jsonResponse(201, j);
}

HttpResponse ClinicalApi::delegationRoute(const HttpRequest& req, const std::string& rest) {
  auto [token, sub] = head(rest);
  if (sub.empty()) {
    if (req.method != "GET" && req.method != "HEAD") return methodNotAllowed(req, "GET");
    ROUNDS_API_TRY(opened, delegations_.open(token));
    return jsonResponse(200,
                        json{{"delegation", delegationJson(opened->delegation, accounts_.nowMs())},
                             {"coordinator", toJson(opened->coordinator)},
                             {"series", toJson(opened->series)}});
  }
  if (sub != "delegates") return notFound(req);
  if (req.method != "POST") return methodNotAllowed(req, "POST");
  ROUNDS_API_TRY(body, parseBody(req));
  ROUNDS_API_TRY(person, readPerson(*body, /*countryOptional=*/true));
  ROUNDS_API_TRY(issued, delegations_.addDelegate(token, *person));
  ROUNDS_API_TRY(created, accounts_.person(issued->record.personId));
  json j = invitationJson(issued->record, accounts_.nowMs());
  j["token"] = issued->token;
  j["joinUrl"] = issued->joinUrl;
  j["calendarUrl"] = issued->calendarUrl;
  j["person"] = toJson(*created);
  return jsonResponse(201, j);
}

}  // namespace rounds
