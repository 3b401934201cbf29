// Store: the persistence interface of Rounds (rooms, attendance, and the clinical directory,
// accounts, sessions, series and invitations of issue 4; records in clinical_records.hpp). Implementations:
// SqliteStore (the embedded default). Every method is one transaction: it completes or leaves
// nothing behind.
// Threading: a Store is used from the control thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "store/clinical_records.hpp"

namespace rounds {

namespace sqlite {
class KnowledgeTables;  // meetings, agenda, cases, Q&A, FAQ (store/knowledge_tables.hpp)
}

struct RoomRecord {
  int64_t id = 0;
  std::string name;
  int64_t createdAtMs = 0;
};

struct AttendanceRecord {
  int64_t id = 0;
  std::string room;
  std::string participantId;
  std::string displayName;
  int64_t joinedAtMs = 0;
  std::optional<int64_t> leftAtMs;
  std::string leaveReason;  // "left", "disconnected", "timeout", "shutdown"; empty while present
  std::optional<int64_t> personId;  // the directory person the join carried (invite, host)
};

class Store {
 public:
  virtual ~Store() = default;
  // Creates the room on first use; returns the record either way.
  virtual Result<RoomRecord> ensureRoom(const std::string& name, int64_t nowMs) = 0;
  // Records a join; returns the attendance id.
  // `personId`: the invitee or host the join identified (migration 5), none for a lobby guest.
  virtual Result<int64_t> recordJoin(const std::string& room, const std::string& participantId,
                                     const std::string& displayName, int64_t joinedAtMs,
                                     std::optional<int64_t> personId = std::nullopt) = 0;
  virtual Status recordLeave(int64_t attendanceId, int64_t leftAtMs, const std::string& reason) = 0;
  // Closes every open attendance row (start-up after a crash, or shutdown).
  virtual Status closeOpenAttendance(int64_t leftAtMs, const std::string& reason) = 0;
  virtual Result<std::vector<AttendanceRecord>> attendance(const std::string& room) = 0;

  // --- Directory (issue 4). Lookups return nullopt when the row does not exist.
  virtual Result<int64_t> createOrganisation(const OrganisationRecord& org) = 0;
  virtual Result<std::optional<OrganisationRecord>> organisation(int64_t id) = 0;
  virtual Result<std::vector<OrganisationRecord>> organisations() = 0;
  virtual Result<int64_t> createPerson(const PersonRecord& person) = 0;
  virtual Result<std::optional<PersonRecord>> person(int64_t id) = 0;
  virtual Result<std::vector<PersonRecord>> people() = 0;

  // --- Host accounts and sign-in sessions. createAccount writes the person and the account
  // together (one transaction); an e-mail already in use is Error{"conflict"}.
  virtual Result<int64_t> countAccounts() = 0;
  virtual Result<AccountRecord> createAccount(const PersonRecord& person, const std::string& email,
                                              const std::string& passwordHash, int64_t nowMs) = 0;
  virtual Result<std::optional<AccountRecord>> accountByEmail(const std::string& email) = 0;
  virtual Result<std::optional<AccountRecord>> account(int64_t id) = 0;
  virtual Status createSession(const SessionRecord& session) = 0;
  // The session with this token hash if it exists, is unrevoked and has not expired at nowMs.
  virtual Result<std::optional<SessionRecord>> liveSession(const std::string& tokenHash,
                                                           int64_t nowMs) = 0;
  virtual Status revokeSession(const std::string& tokenHash, int64_t nowMs) = 0;

  // --- Series (with their exceptions, written in the same transaction) and invitations.
  virtual Result<int64_t> createSeries(const SeriesRecord& series) = 0;
  virtual Result<std::optional<SeriesRecord>> series(int64_t id) = 0;
  virtual Result<std::vector<SeriesRecord>> seriesOwnedBy(int64_t accountId) = 0;
  // Adds or replaces the exception for ex.originalLocal.
  virtual Status putSeriesException(int64_t seriesId, const SeriesException& ex) = 0;
  // All of them or none (one transaction); returns the new ids in order.
  virtual Result<std::vector<int64_t>> createInvitations(
      const std::vector<InvitationRecord>& invitations) = 0;
  virtual Result<std::vector<InvitationRecord>> invitationsFor(int64_t seriesId) = 0;
  virtual Result<std::optional<InvitationRecord>> invitationByTokenHash(
      const std::string& tokenHash) = 0;
  // false if there is no such invitation in that series.
  virtual Result<bool> revokeInvitation(int64_t seriesId, int64_t invitationId, int64_t nowMs) = 0;

  // --- Series update, roles, host hand-over, delegations (migration 4).
  // Rewrites the series row and replaces its exceptions (one transaction).
  virtual Status updateSeries(const SeriesRecord& series) = 0;
  virtual Result<std::vector<RoleRecord>> roles(int64_t seriesId) = 0;
  virtual Result<std::optional<std::string>> roleOf(int64_t seriesId, int64_t personId) = 0;
  virtual Status putRole(const RoleRecord& role) = 0;
  virtual Result<bool> deleteRole(int64_t seriesId, int64_t personId) = 0;
  // Series passcodes (migration 5): an Argon2id encoding, never the passcode itself.
  virtual Status putSeriesPasscode(int64_t seriesId, const std::string& hash, int64_t nowMs) = 0;
  virtual Result<bool> deleteSeriesPasscode(int64_t seriesId) = 0;
  virtual Result<std::optional<std::string>> seriesPasscode(int64_t seriesId) = 0;
  // Series ids where the person is a co-host.
  virtual Result<std::vector<SeriesRecord>> seriesCoHostedBy(int64_t personId) = 0;
  // One transaction: the series gets the new owner account, the previous host's person becomes
  // co-host, and any stored role of the new host's person is removed.
  virtual Status handOverHost(int64_t seriesId, int64_t newOwnerAccountId,
                              int64_t previousHostPersonId, int64_t newHostPersonId) = 0;
  virtual Result<int64_t> createDelegation(const DelegationRecord& delegation) = 0;
  virtual Result<std::vector<DelegationRecord>> delegationsFor(int64_t seriesId) = 0;
  virtual Result<std::optional<DelegationRecord>> delegationByTokenHash(
      const std::string& tokenHash) = 0;
  virtual Result<bool> revokeDelegation(int64_t seriesId, int64_t delegationId, int64_t nowMs) = 0;
  // One transaction: checks the delegation's quota (Error{"quota_exceeded"} when full), writes the
  // person, a participant role and the invitation (its delegation set). Returns {personId, invitationId}.
  virtual Result<std::pair<int64_t, int64_t>> addDelegate(int64_t delegationId,
                                                          const PersonRecord& person,
                                                          const InvitationRecord& invitation) = 0;
  // --- In the room (issue 4): meetings, agenda, cases, questions, FAQ; same database.
  virtual sqlite::KnowledgeTables& knowledge() = 0;
};

// Opens (creating if needed) a SQLite database file in WAL mode and applies numbered migrations.
// ":memory:" gives a private in-memory database (tests).
Result<std::unique_ptr<Store>> openSqliteStore(const std::string& path);

}  // namespace rounds
