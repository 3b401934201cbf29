// ClinicalTables: the SQLite side of the Store's issue-4 methods (directory, accounts, sessions,
// series, invitations), kept apart from sqlite_store.cpp so that each file stays small.
// Every public method is one transaction. Threading: the thread that owns the Db.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "store/clinical_records.hpp"
#include "store/sqlite.hpp"

namespace rounds::sqlite {

class ClinicalTables {
 public:
  explicit ClinicalTables(Db& db) : db_(db) {}

  Result<int64_t> createOrganisation(const OrganisationRecord& org);
  Result<std::optional<OrganisationRecord>> organisation(int64_t id);
  Result<std::vector<OrganisationRecord>> organisations();
  Result<int64_t> createPerson(const PersonRecord& person);
  Result<std::optional<PersonRecord>> person(int64_t id);
  Result<std::vector<PersonRecord>> people();

  Result<int64_t> countAccounts();
  Result<AccountRecord> createAccount(const PersonRecord& person, const std::string& email,
                                      const std::string& passwordHash, int64_t nowMs);
  Result<std::optional<AccountRecord>> accountByEmail(const std::string& email);
  Result<std::optional<AccountRecord>> account(int64_t id);
  Status createSession(const SessionRecord& session);
  Result<std::optional<SessionRecord>> liveSession(const std::string& tokenHash, int64_t nowMs);
  Status revokeSession(const std::string& tokenHash, int64_t nowMs);

  Result<int64_t> createSeries(const SeriesRecord& series);
  Result<std::optional<SeriesRecord>> series(int64_t id);
  Result<std::vector<SeriesRecord>> seriesOwnedBy(int64_t accountId);
  Status putSeriesException(int64_t seriesId, const SeriesException& ex);
  Result<std::vector<int64_t>> createInvitations(const std::vector<InvitationRecord>& invitations);
  Result<std::vector<InvitationRecord>> invitationsFor(int64_t seriesId);
  Result<std::optional<InvitationRecord>> invitationByTokenHash(const std::string& tokenHash);
  Result<bool> revokeInvitation(int64_t seriesId, int64_t invitationId, int64_t nowMs);

  Status updateSeries(const SeriesRecord& series);
  Result<std::vector<RoleRecord>> roles(int64_t seriesId);
  Result<std::optional<std::string>> roleOf(int64_t seriesId, int64_t personId);
  Status putRole(const RoleRecord& role);
  Result<bool> deleteRole(int64_t seriesId, int64_t personId);
  Status putSeriesPasscode(int64_t seriesId, const std::string& hash, int64_t nowMs);
  Result<bool> deleteSeriesPasscode(int64_t seriesId);
  Result<std::optional<std::string>> seriesPasscode(int64_t seriesId);
  Result<std::vector<SeriesRecord>> seriesCoHostedBy(int64_t personId);
  Status handOverHost(int64_t seriesId, int64_t newOwnerAccountId, int64_t previousHostPersonId,
                      int64_t newHostPersonId);
  Result<int64_t> createDelegation(const DelegationRecord& delegation);
  Result<std::vector<DelegationRecord>> delegationsFor(int64_t seriesId);
  Result<std::optional<DelegationRecord>> delegationByTokenHash(const std::string& tokenHash);
  Result<bool> revokeDelegation(int64_t seriesId, int64_t delegationId, int64_t nowMs);
  Result<std::pair<int64_t, int64_t>> addDelegate(int64_t delegationId, const PersonRecord& person,
                                                  const InvitationRecord& invitation);

 private:
  // Bodies that run inside the caller's transaction.
  Result<int64_t> insertPersonLocked(const PersonRecord& person);
  Result<std::vector<SeriesRecord>> selectSeriesLocked(const char* where, int64_t key);
  Status insertExceptionLocked(int64_t seriesId, const SeriesException& ex);

  Db& db_;
};

}  // namespace rounds::sqlite
