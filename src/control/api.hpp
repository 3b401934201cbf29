// Api: the REST endpoints under /api (docs/api.md): health, rooms, attendance, media counters, and
// (with a ClinicalApi) accounts, directory, series and invitations, which also puts rooms,
// attendance and media counters behind a host sign-in.
// Threading: control thread only.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "control/api/clinical_api.hpp"
#include "control/conference.hpp"
#include "control/http_server.hpp"
#include "services/attendance.hpp"

namespace rounds {

class Api : public HttpHandler {
 public:
  Api(Conference& conference, AttendanceService& attendance)
      : conference_(conference), attendance_(attendance) {}
  Api(Conference& conference, AttendanceService& attendance, ClinicalApi& clinical)
      : conference_(conference), attendance_(attendance), clinical_(&clinical) {}
  HttpResponse onHttpRequest(const HttpRequest& req) override;
  // The latest media counters (refreshed by the application once a second).
  void setMediaStats(std::vector<WorkerStats> stats) { stats_ = std::move(stats); }
  // More endpoints (e.g. registerKnowledgeApi): each returns nullopt for requests not its own.
  using Routes = std::function<std::optional<HttpResponse>(const HttpRequest&)>;
  void addRoutes(Routes routes) { routes_.push_back(std::move(routes)); }

 private:
  Conference& conference_;
  AttendanceService& attendance_;
  ClinicalApi* clinical_ = nullptr;  // not owned; null: no accounts, everything public
  std::vector<WorkerStats> stats_;
  std::vector<Routes> routes_;
};

}  // namespace rounds
