// JSON shapes of the clinical API (docs/api.md): records to JSON, request bodies to service
// inputs with errors naming the field, the ?tz=&from=&to= window, and small routing helpers.
// Threading: stateless helpers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "control/api/json_io.hpp"
#include "services/delegations.hpp"
#include "services/schedule.hpp"
#include "services/series.hpp"

// Propagates a failed Result as its HTTP response.
#define ROUNDS_API_TRY(var, expr) \
  auto var = (expr);              \
  if (!var) return ::rounds::api::fromError(var.error())

namespace rounds::api {

std::string utcMs(int64_t ms);
nlohmann::json toJson(const OrganisationRecord& o);
nlohmann::json toJson(const PersonRecord& p);
nlohmann::json toJson(const SeriesRecord& s);
nlohmann::json occurrencesJson(const std::vector<schedule::Occurrence>& occ,
                               const date::time_zone* viewer, const date::time_zone* organiser);
nlohmann::json invitationJson(const InvitationRecord& i, int64_t nowMs);
nlohmann::json delegationJson(const DelegationRecord& d, int64_t nowMs);

Result<NewSeries> readSeries(const nlohmann::json& body);
// displayName, country, discipline, language, timeZone, organisationId?, email?. With
// `countryOptional` an absent country stays empty (a delegate inherits the coordinator's).
Result<PersonRecord> readPerson(const nlohmann::json& body, bool countryOptional = false);
// An optional RFC 3339 "expiresAt" as Unix milliseconds.
Result<std::optional<int64_t>> readExpiresAt(const nlohmann::json& obj, const std::string& path);

// ?tz=&from=&to= with defaults: the given zone, now, and 90 days later; at most 400 days.
struct Window {
  const date::time_zone* zone;
  schedule::UtcTime from, to;
};
Result<Window> readWindow(const HttpRequest& req, const std::string& defaultZone, int64_t nowMs);
// The occurrences response: the viewer's zone named once and on every time.
nlohmann::json occurrencesResponse(const SeriesRecord& s, const Window& w,
                                   const std::vector<schedule::Occurrence>& occ);

// Splits "a/b/c" into the first segment and the rest.
std::pair<std::string, std::string> head(const std::string& s);
bool startsWith(const std::string& s, const char* prefix);
HttpResponse notFound(const HttpRequest& req);
HttpResponse noContent();

}  // namespace rounds::api
