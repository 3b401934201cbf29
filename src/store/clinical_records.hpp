// Stored records of the clinical exchange layer (issue 4): organisations, people, host accounts,
// sign-in sessions, series with their exceptions, and invitations. Plain values, no behaviour.
// Threading: value types; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rounds {

struct OrganisationRecord {
  int64_t id = 0;
  std::string name;
  std::string country;  // ISO 3166-1 alpha-2
  std::string kind;     // "health_commission", "hospital", "province"
  int64_t createdAtMs = 0;
};

struct PersonRecord {
  int64_t id = 0;
  std::string displayName;
  std::optional<int64_t> organisationId;
  std::string country;     // ISO 3166-1 alpha-2
  std::string discipline;  // "critical care", "disease control", ...
  std::string language;    // BCP 47 tag, e.g. "zh-CN"
  std::string timeZone;    // IANA name, e.g. "Asia/Shanghai"
  std::string email;       // may be empty for people without an account
  int64_t createdAtMs = 0;
};

struct AccountRecord {
  int64_t id = 0;
  int64_t personId = 0;
  std::string email;         // stored lower-case
  std::string passwordHash;  // Argon2id encoded string ($argon2id$v=19$m=...)
  int64_t createdAtMs = 0;
};

struct SessionRecord {
  int64_t id = 0;
  int64_t accountId = 0;
  std::string tokenHash;  // hex SHA-256 of the bearer token; the token itself is never stored
  int64_t createdAtMs = 0;
  int64_t expiresAtMs = 0;
};

// A change to one occurrence, identified by its original local start ("YYYY-MM-DDTHH:MM:SS" in the
// series' zone, as RFC 5545 RECURRENCE-ID identifies it).
struct SeriesException {
  std::string originalLocal;
  std::string kind;            // "cancelled" or "moved"
  std::string newStartLocal;   // moved only, in the series' zone
  int newDurationMinutes = 0;  // moved only
};

struct SeriesRecord {
  int64_t id = 0;
  int64_t ownerAccountId = 0;
  std::string uid;  // stable iCalendar UID of the series
  std::string title;
  std::string timeZone;    // organiser's IANA zone
  std::string startLocal;  // first occurrence, "YYYY-MM-DDTHH:MM:SS" in timeZone
  int64_t startUtcMs = 0;  // the same instant in UTC
  int durationMinutes = 0;
  std::string frequency;  // "once" or "weekly"
  int intervalWeeks = 1;
  int weekdayMask = 0;         // bit 0 = Monday ... bit 6 = Sunday
  std::string untilLocalDate;  // "YYYY-MM-DD" (inclusive) or empty
  int count = 0;               // 0 = not limited by count
  int64_t createdAtMs = 0;
  std::vector<SeriesException> exceptions;
};

struct InvitationRecord {
  int64_t id = 0;
  int64_t seriesId = 0;
  int64_t personId = 0;
  std::string tokenHash;  // hex SHA-256 of the personal join token
  int64_t createdAtMs = 0;
  int64_t expiresAtMs = 0;
  std::optional<int64_t> revokedAtMs;
};

// A person's role in one conference (series). The host is the series' owner account and is not
// stored here; hand-over moves ownership (Store::handOverHost).
struct RoleRecord {
  int64_t seriesId = 0;
  int64_t personId = 0;
  std::string role;  // "co-host", "presenter", "interpreter", "participant", "observer"
};

// A delegation invite: a coordinator may add up to `quota` delegates (each gets an invitation).
struct DelegationRecord {
  int64_t id = 0;
  int64_t seriesId = 0;
  int64_t coordinatorPersonId = 0;
  int quota = 0;
  std::string tokenHash;  // hex SHA-256 of the coordinator's token
  int64_t createdAtMs = 0;
  int64_t expiresAtMs = 0;
  std::optional<int64_t> revokedAtMs;
  int used = 0;  // invitations issued through it (computed when read)
};

}  // namespace rounds
