// SeriesService: series across time zones (stored as UTC plus the organiser's IANA zone), their
// exceptions, occurrences seen from any zone, and per-invitee invitations with a personal join
// token (random, stored as SHA-256, expiring, revocable) and an .ics calendar file.
// Errors use the codes of accounts.hpp (invalid_field, unauthorized, forbidden, not_found).
// Threading: control thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "services/accounts.hpp"
#include "services/credentials.hpp"
#include "services/schedule.hpp"
#include "store/store.hpp"

namespace rounds {

struct SeriesConfig {
  std::string publicUrl = "http://localhost:8080";  // where invitees reach this server
  int64_t invitationTtlMs = 180LL * 24 * 3600 * 1000;
  Argon2Params passcodeHash;  // room passcodes are hashed like passwords
};

struct ExceptionInput {
  std::string originalStart;  // local, organiser's zone
  std::string action;         // "cancel" or "move"
  std::string newStart;       // move: local, organiser's zone
  int durationMinutes = 0;    // move: 0 keeps the series' duration
};

struct NewSeries {
  std::string title;
  std::string timeZone;
  std::string start;  // local "YYYY-MM-DDTHH:MM[:SS]" in timeZone
  int durationMinutes = 0;
  std::string frequency = "once";  // "once" or "weekly"
  int intervalWeeks = 1;
  std::vector<std::string> weekdays;  // "MO".."SU"; empty = the start's weekday
  std::string until;                  // "YYYY-MM-DD" or empty
  int count = 0;
  std::vector<ExceptionInput> exceptions;
};

struct InviteeInput {
  int64_t personId = 0;
  std::optional<int64_t> expiresAtMs;
};

struct IssuedInvitation {
  InvitationRecord record;
  std::string token;  // shown once
  std::string joinUrl;
  std::string calendarUrl;
};

// What a valid invitation token opens.
struct OpenedInvitation {
  InvitationRecord invitation;
  SeriesRecord series;
  PersonRecord invitee;
  std::string joinUrl;
};

class SeriesService {
 public:
  SeriesService(Store& store, const Clock& clock, Random& random, SeriesConfig config = {})
      : store_(store), clock_(clock), random_(random), config_(std::move(config)) {}

  Result<SeriesRecord> create(const Caller& caller, const NewSeries& in);
  // Replaces title, zone, timing, recurrence and exceptions (validated as create); keeps id, uid,
  // owner, roles and invitations. Host or co-host.
  Result<SeriesRecord> update(const Caller& caller, int64_t id, const NewSeries& in);
  // A series the caller hosts or co-hosts; another host's is forbidden, a missing one not_found.
  Result<SeriesRecord> get(const Caller& caller, int64_t id);
  // Series the caller hosts, then those they co-host.
  Result<std::vector<SeriesRecord>> list(const Caller& caller);

  // Roles (migration 4). The list starts with the host (the owner account's person).
  static bool isAssignableRole(std::string_view role);
  Result<std::vector<RoleRecord>> roles(const Caller& caller, int64_t id);
  Status setRole(const Caller& caller, int64_t id, int64_t personId, const std::string& role);
  Status removeRole(const Caller& caller, int64_t id, int64_t personId);
  // Only the host: the series passes to `newOwnerAccountId`; the caller stays on as co-host.
  Result<SeriesRecord> handOver(const Caller& caller, int64_t id, int64_t newOwnerAccountId);
  // The room's passcode for people without an invitation (docs/api.md): host or co-host;
  // 4-64 characters, stored as an Argon2id hash. clearPasscode: not_found when there was none.
  Status setPasscode(const Caller& caller, int64_t seriesId, const std::string& passcode);
  Status clearPasscode(const Caller& caller, int64_t seriesId);
  Result<bool> hasPasscode(int64_t seriesId);
  // Whether `passcode` is the series' passcode (false when it has none). Costs an Argon2 hash.
  Result<bool> checkPasscode(int64_t seriesId, std::string_view passcode);
  // The series without an authorisation check (the room already admitted the caller).
  Result<SeriesRecord> byId(int64_t id);
  // "host", a stored role, or "" if the person has none in this series.
  Result<std::string> roleIn(const SeriesRecord& series, int64_t personId);
  Result<SeriesRecord> putException(const Caller& caller, int64_t id, const ExceptionInput& in);
  Result<std::vector<schedule::Occurrence>> occurrences(const SeriesRecord& series,
                                                        schedule::UtcTime from,
                                                        schedule::UtcTime to);

  // All invitations are written in one transaction, or none.
  Result<std::vector<IssuedInvitation>> invite(const Caller& caller, int64_t seriesId,
                                               const std::vector<InviteeInput>& invitees);
  Result<std::vector<InvitationRecord>> invitations(const Caller& caller, int64_t seriesId);
  Status revoke(const Caller& caller, int64_t seriesId, int64_t invitationId);
  // unauthorized for an unknown token, forbidden for a revoked or expired one.
  Result<OpenedInvitation> open(std::string_view token);
  Result<std::string> calendar(const OpenedInvitation& opened);

  // Set once at start-up when the listening port is known.
  void setPublicUrl(std::string url) { config_.publicUrl = std::move(url); }
  const std::string& publicUrl() const { return config_.publicUrl; }
  std::string joinUrl(const SeriesRecord& series, std::string_view token) const;
  std::string calendarUrl(std::string_view token) const;
  // The conference room a series meets in (a valid room name, docs/signalling.md).
  static std::string roomOf(const SeriesRecord& series);

 private:
  // Validates everything create and update accept; id, owner, uid and createdAt are left unset.
  Result<SeriesRecord> build(const NewSeries& in);
  // Validates `in` against `rule` and turns it into a stored exception.
  Result<SeriesException> exceptionFrom(const schedule::Rule& rule, const ExceptionInput& in,
                                        size_t index, bool inList);

  Store& store_;
  const Clock& clock_;
  Random& random_;
  SeriesConfig config_;
};

}  // namespace rounds
