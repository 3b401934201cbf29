// ClinicalApi: the REST endpoints of the clinical exchange layer (docs/api.md): accounts and
// sign-in, organisations and people, series with occurrences in any zone, roles and host
// hand-over, invitations and their .ics files, delegation invites. Host calls need a session
// (Authorization: Bearer <token>, or the rounds_session cookie); invitation and delegation calls
// carry their token in the path. Errors: {"error":{"code","message","field"?}}.
// Threading: control thread only.
#pragma once

#include "control/room_events.hpp"
#include <optional>
#include <string>

#include "control/http_server.hpp"
#include "services/accounts.hpp"
#include "services/delegations.hpp"
#include "services/series.hpp"

namespace rounds {

class ClinicalApi {
 public:
  ClinicalApi(AccountService& accounts, SeriesService& series, DelegationService& delegations)
      : accounts_(accounts), series_(series), delegations_(delegations) {}
  // The response if the path is one of ours; nullopt otherwise.
  std::optional<HttpResponse> handle(const HttpRequest& req);
  // nullopt if the request carries a live host session, else the 401 response to send.
  std::optional<HttpResponse> requireHost(const HttpRequest& req);

  static constexpr const char* kSessionCookie = "rounds_session";
  // The session token of a request: the bearer token, else the session cookie (which, for a
  // state-changing method, counts only with an X-Rounds-CSRF header: a cross-site form cannot
  // send one). "" if there is none.
  static std::string sessionToken(const HttpRequest& req);
  // Told when a series' roles or owner change, so people in its room get them without rejoining.
  void setRoomEvents(RoomEvents* events) { events_ = events; }

 private:
  HttpResponse accountsRoute(const HttpRequest& req);
  HttpResponse sessionsRoute(const HttpRequest& req, const std::string& rest);
  HttpResponse organisationsRoute(const HttpRequest& req, const Caller& caller);
  HttpResponse peopleRoute(const HttpRequest& req, const Caller& caller, const std::string& rest);
  HttpResponse seriesRoute(const HttpRequest& req, const Caller& caller, const std::string& rest);
  HttpResponse invitationsRoute(const HttpRequest& req, const Caller& caller, int64_t seriesId,
                                const std::string& sub);
  HttpResponse invitationRoute(const HttpRequest& req, const std::string& rest);
  // role_routes.cpp: /api/series/{id}/roles|host|delegations and /api/delegations/{token}.
  HttpResponse rolesRoute(const HttpRequest& req, const Caller& caller, int64_t seriesId,
                          const std::string& sub);
  HttpResponse hostRoute(const HttpRequest& req, const Caller& caller, int64_t seriesId);
  HttpResponse passcodeRoute(const HttpRequest& req, const Caller& caller, int64_t seriesId);
  HttpResponse delegationsRoute(const HttpRequest& req, const Caller& caller, int64_t seriesId,
                                const std::string& sub);
  HttpResponse delegationRoute(const HttpRequest& req, const std::string& rest);

  AccountService& accounts_;
  SeriesService& series_;
  DelegationService& delegations_;
  RoomEvents* events_ = nullptr;
};

}  // namespace rounds
