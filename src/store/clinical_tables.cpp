// SQLite queries for the clinical tables (migration 2 in migrations.cpp).
// Threading: see clinical_tables.hpp.
#include "store/clinical_tables.hpp"

#include <string>

namespace rounds::sqlite {

namespace {

#define ROUNDS_TRY(expr)                          \
  do {                                            \
    if (auto r_ = (expr); !r_) return r_.error(); \
  } while (0)

Status bindAll(Statement&, int) { return Ok{}; }

template <typename T, typename... Rest>
Status bindAll(Statement& st, int index, const T& value, const Rest&... rest) {
  Status s = [&]() -> Status {
    if constexpr (std::is_same_v<T, std::string>) {
      return st.bind(index, std::string_view(value));
    } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
      return st.bind(index, value);
    } else {
      return st.bind(index, static_cast<int64_t>(value));
    }
  }();
  if (!s) return s;
  return bindAll(st, index + 1, rest...);
}

// Prepares `sql` and binds the arguments to ?1, ?2, ...
template <typename... Args>
Result<Statement> query(Db& db, const char* sql, const Args&... args) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (auto b = bindAll(*st, 1, args...); !b) return b.error();
  return st;
}

// Reads every row of `st` with `read(st)`.
template <typename T, typename Read>
Result<std::vector<T>> collect(Statement& st, Read read) {
  std::vector<T> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read(st));
  }
  return out;
}

template <typename T>
Result<std::optional<T>> firstOf(Result<std::vector<T>> rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>{};
  return std::optional<T>(std::move(rows->front()));
}

constexpr const char* kOrgColumns =
    "SELECT id, name, country, kind, created_at_ms FROM organisations ";
OrganisationRecord readOrg(const Statement& st) {
  return OrganisationRecord{st.columnInt64(0), st.columnText(1), st.columnText(2), st.columnText(3),
                            st.columnInt64(4)};
}

constexpr const char* kPersonColumns =
    "SELECT id, display_name, organisation_id, country, discipline, language, time_zone, email, "
    "created_at_ms FROM people ";
PersonRecord readPerson(const Statement& st) {
  PersonRecord p;
  p.id = st.columnInt64(0);
  p.displayName = st.columnText(1);
  p.organisationId = st.columnOptionalInt64(2);
  p.country = st.columnText(3);
  p.discipline = st.columnText(4);
  p.language = st.columnText(5);
  p.timeZone = st.columnText(6);
  p.email = st.columnText(7);
  p.createdAtMs = st.columnInt64(8);
  return p;
}

constexpr const char* kAccountColumns =
    "SELECT id, person_id, email, password_hash, created_at_ms FROM accounts ";
AccountRecord readAccount(const Statement& st) {
  return AccountRecord{st.columnInt64(0), st.columnInt64(1), st.columnText(2), st.columnText(3),
                       st.columnInt64(4)};
}

constexpr const char* kInvitationColumns =
    "SELECT id, series_id, person_id, token_hash, created_at_ms, expires_at_ms, revoked_at_ms "
    "FROM invitations ";
InvitationRecord readInvitation(const Statement& st) {
  InvitationRecord i;
  i.id = st.columnInt64(0);
  i.seriesId = st.columnInt64(1);
  i.personId = st.columnInt64(2);
  i.tokenHash = st.columnText(3);
  i.createdAtMs = st.columnInt64(4);
  i.expiresAtMs = st.columnInt64(5);
  i.revokedAtMs = st.columnOptionalInt64(6);
  return i;
}

// Runs `body` in a transaction (IMMEDIATE for writes) and commits if it succeeded.
template <typename Body>
auto inTransaction(Db& db, bool write, Body body) -> decltype(body()) {
  Transaction tx(db);
  if (auto b = tx.begin(write); !b) return b.error();
  auto result = body();
  if (!result) return result;  // the Transaction rolls back
  if (auto c = tx.commit(); !c) return c.error();
  return result;
}

}  // namespace

Result<int64_t> ClinicalTables::createOrganisation(const OrganisationRecord& o) {
  return inTransaction(db_, true, [&]() -> Result<int64_t> {
    auto dup = query(db_, "SELECT 1 FROM organisations WHERE name = ?1 AND country = ?2", o.name,
                     o.country);
    if (!dup) return dup.error();
    auto exists = dup->step();
    if (!exists) return exists.error();
    if (*exists)
      return makeError("conflict", "name: an organisation of that name exists in " + o.country);
    auto st = query(db_,
                    "INSERT INTO organisations(name, country, kind, created_at_ms) "
                    "VALUES (?1, ?2, ?3, ?4)",
                    o.name, o.country, o.kind, o.createdAtMs);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return db_.lastInsertRowId();
  });
}

Result<std::optional<OrganisationRecord>> ClinicalTables::organisation(int64_t id) {
  return inTransaction(db_, false, [&]() -> Result<std::optional<OrganisationRecord>> {
    auto st = query(db_, (std::string(kOrgColumns) + "WHERE id = ?1").c_str(), id);
    if (!st) return st.error();
    return firstOf(collect<OrganisationRecord>(*st, readOrg));
  });
}

Result<std::vector<OrganisationRecord>> ClinicalTables::organisations() {
  return inTransaction(db_, false, [&]() -> Result<std::vector<OrganisationRecord>> {
    auto st = query(db_, (std::string(kOrgColumns) + "ORDER BY country, name").c_str());
    if (!st) return st.error();
    return collect<OrganisationRecord>(*st, readOrg);
  });
}

Result<int64_t> ClinicalTables::insertPersonLocked(const PersonRecord& p) {
  auto st =
      query(db_,
            "INSERT INTO people(display_name, organisation_id, country, discipline, language, "
            "time_zone, email, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            p.displayName, p.organisationId, p.country, p.discipline, p.language, p.timeZone,
            p.email, p.createdAtMs);
  if (!st) return st.error();
  ROUNDS_TRY(st->run());
  return db_.lastInsertRowId();
}

Result<int64_t> ClinicalTables::createPerson(const PersonRecord& p) {
  return inTransaction(db_, true, [&] { return insertPersonLocked(p); });
}

Result<std::optional<PersonRecord>> ClinicalTables::person(int64_t id) {
  return inTransaction(db_, false, [&]() -> Result<std::optional<PersonRecord>> {
    auto st = query(db_, (std::string(kPersonColumns) + "WHERE id = ?1").c_str(), id);
    if (!st) return st.error();
    return firstOf(collect<PersonRecord>(*st, readPerson));
  });
}

Result<std::vector<PersonRecord>> ClinicalTables::people() {
  return inTransaction(db_, false, [&]() -> Result<std::vector<PersonRecord>> {
    auto st = query(db_, (std::string(kPersonColumns) + "ORDER BY display_name, id").c_str());
    if (!st) return st.error();
    return collect<PersonRecord>(*st, readPerson);
  });
}

Result<int64_t> ClinicalTables::countAccounts() {
  auto n = db_.queryText("SELECT COUNT(*) FROM accounts");
  if (!n) return n.error();
  return static_cast<int64_t>(std::stoll(*n));
}

Result<AccountRecord> ClinicalTables::createAccount(const PersonRecord& person,
                                                    const std::string& email,
                                                    const std::string& passwordHash,
                                                    int64_t nowMs) {
  return inTransaction(db_, true, [&]() -> Result<AccountRecord> {
    auto dup = query(db_, "SELECT 1 FROM accounts WHERE email = ?1", email);
    if (!dup) return dup.error();
    auto exists = dup->step();
    if (!exists) return exists.error();
    if (*exists) return makeError("conflict", "email: an account with this address exists");
    auto personId = insertPersonLocked(person);
    if (!personId) return personId.error();
    auto st = query(db_,
                    "INSERT INTO accounts(person_id, email, password_hash, created_at_ms) "
                    "VALUES (?1, ?2, ?3, ?4)",
                    *personId, email, passwordHash, nowMs);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return AccountRecord{db_.lastInsertRowId(), *personId, email, passwordHash, nowMs};
  });
}

Result<std::optional<AccountRecord>> ClinicalTables::accountByEmail(const std::string& email) {
  auto st = query(db_, (std::string(kAccountColumns) + "WHERE email = ?1").c_str(), email);
  if (!st) return st.error();
  return firstOf(collect<AccountRecord>(*st, readAccount));
}

Result<std::optional<AccountRecord>> ClinicalTables::account(int64_t id) {
  auto st = query(db_, (std::string(kAccountColumns) + "WHERE id = ?1").c_str(), id);
  if (!st) return st.error();
  return firstOf(collect<AccountRecord>(*st, readAccount));
}

Status ClinicalTables::createSession(const SessionRecord& s) {
  return inTransaction(db_, true, [&]() -> Status {
    auto st = query(db_,
                    "INSERT INTO sessions(account_id, token_hash, created_at_ms, expires_at_ms) "
                    "VALUES (?1, ?2, ?3, ?4)",
                    s.accountId, s.tokenHash, s.createdAtMs, s.expiresAtMs);
    if (!st) return st.error();
    return st->run();
  });
}

Result<std::optional<SessionRecord>> ClinicalTables::liveSession(const std::string& tokenHash,
                                                                 int64_t nowMs) {
  auto st = query(db_,
                  "SELECT id, account_id, token_hash, created_at_ms, expires_at_ms FROM sessions "
                  "WHERE token_hash = ?1 AND revoked_at_ms IS NULL AND expires_at_ms > ?2",
                  tokenHash, nowMs);
  if (!st) return st.error();
  return firstOf(collect<SessionRecord>(*st, [](const Statement& s) {
    return SessionRecord{s.columnInt64(0), s.columnInt64(1), s.columnText(2), s.columnInt64(3),
                         s.columnInt64(4)};
  }));
}

Status ClinicalTables::revokeSession(const std::string& tokenHash, int64_t nowMs) {
  return inTransaction(db_, true, [&]() -> Status {
    auto st = query(db_,
                    "UPDATE sessions SET revoked_at_ms = ?2 "
                    "WHERE token_hash = ?1 AND revoked_at_ms IS NULL",
                    tokenHash, nowMs);
    if (!st) return st.error();
    return st->run();
  });
}

Status ClinicalTables::insertExceptionLocked(int64_t seriesId, const SeriesException& ex) {
  auto st = query(db_,
                  "INSERT INTO series_exceptions(series_id, original_local, kind, new_start_local, "
                  "new_duration_minutes) VALUES (?1, ?2, ?3, ?4, ?5) "
                  "ON CONFLICT(series_id, original_local) DO UPDATE SET kind = excluded.kind, "
                  "new_start_local = excluded.new_start_local, "
                  "new_duration_minutes = excluded.new_duration_minutes",
                  seriesId, ex.originalLocal, ex.kind, ex.newStartLocal, ex.newDurationMinutes);
  if (!st) return st.error();
  return st->run();
}

Result<int64_t> ClinicalTables::createSeries(const SeriesRecord& s) {
  return inTransaction(db_, true, [&]() -> Result<int64_t> {
    auto st = query(db_,
                    "INSERT INTO series(owner_account_id, uid, title, time_zone, start_local, "
                    "start_utc_ms, duration_minutes, frequency, interval_weeks, weekday_mask, "
                    "until_local_date, count, created_at_ms) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    s.ownerAccountId, s.uid, s.title, s.timeZone, s.startLocal, s.startUtcMs,
                    s.durationMinutes, s.frequency, s.intervalWeeks, s.weekdayMask,
                    s.untilLocalDate, s.count, s.createdAtMs);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    const int64_t id = db_.lastInsertRowId();
    for (const auto& ex : s.exceptions) ROUNDS_TRY(insertExceptionLocked(id, ex));
    return id;
  });
}

Result<std::vector<SeriesRecord>> ClinicalTables::selectSeriesLocked(const char* where,
                                                                     int64_t key) {
  std::string sql =
      "SELECT id, owner_account_id, uid, title, time_zone, start_local, start_utc_ms, "
      "duration_minutes, frequency, interval_weeks, weekday_mask, until_local_date, count, "
      "created_at_ms FROM series ";
  sql += where;
  sql += " ORDER BY start_utc_ms, id";
  auto st = query(db_, sql.c_str(), key);
  if (!st) return st.error();
  auto rows = collect<SeriesRecord>(*st, [](const Statement& q) {
    SeriesRecord s;
    s.id = q.columnInt64(0);
    s.ownerAccountId = q.columnInt64(1);
    s.uid = q.columnText(2);
    s.title = q.columnText(3);
    s.timeZone = q.columnText(4);
    s.startLocal = q.columnText(5);
    s.startUtcMs = q.columnInt64(6);
    s.durationMinutes = static_cast<int>(q.columnInt64(7));
    s.frequency = q.columnText(8);
    s.intervalWeeks = static_cast<int>(q.columnInt64(9));
    s.weekdayMask = static_cast<int>(q.columnInt64(10));
    s.untilLocalDate = q.columnText(11);
    s.count = static_cast<int>(q.columnInt64(12));
    s.createdAtMs = q.columnInt64(13);
    return s;
  });
  if (!rows) return rows.error();
  for (auto& s : *rows) {
    auto ex = query(db_,
                    "SELECT original_local, kind, new_start_local, new_duration_minutes "
                    "FROM series_exceptions WHERE series_id = ?1 ORDER BY original_local",
                    s.id);
    if (!ex) return ex.error();
    auto list = collect<SeriesException>(*ex, [](const Statement& q) {
      return SeriesException{q.columnText(0), q.columnText(1), q.columnText(2),
                             static_cast<int>(q.columnInt64(3))};
    });
    if (!list) return list.error();
    s.exceptions = std::move(*list);
  }
  return rows;
}

Result<std::optional<SeriesRecord>> ClinicalTables::series(int64_t id) {
  return inTransaction(db_, false, [&]() -> Result<std::optional<SeriesRecord>> {
    return firstOf(selectSeriesLocked("WHERE id = ?1", id));
  });
}

Result<std::vector<SeriesRecord>> ClinicalTables::seriesOwnedBy(int64_t accountId) {
  return inTransaction(
      db_, false, [&] { return selectSeriesLocked("WHERE owner_account_id = ?1", accountId); });
}

Status ClinicalTables::putSeriesException(int64_t seriesId, const SeriesException& ex) {
  return inTransaction(db_, true, [&] { return insertExceptionLocked(seriesId, ex); });
}

Result<std::vector<int64_t>> ClinicalTables::createInvitations(
    const std::vector<InvitationRecord>& invitations) {
  return inTransaction(db_, true, [&]() -> Result<std::vector<int64_t>> {
    std::vector<int64_t> ids;
    for (const auto& i : invitations) {
      auto st = query(db_,
                      "INSERT INTO invitations(series_id, person_id, token_hash, created_at_ms, "
                      "expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                      i.seriesId, i.personId, i.tokenHash, i.createdAtMs, i.expiresAtMs);
      if (!st) return st.error();
      ROUNDS_TRY(st->run());
      ids.push_back(db_.lastInsertRowId());
    }
    return ids;
  });
}

Result<std::vector<InvitationRecord>> ClinicalTables::invitationsFor(int64_t seriesId) {
  auto st =
      query(db_, (std::string(kInvitationColumns) + "WHERE series_id = ?1 ORDER BY id").c_str(),
            seriesId);
  if (!st) return st.error();
  return collect<InvitationRecord>(*st, readInvitation);
}

Result<std::optional<InvitationRecord>> ClinicalTables::invitationByTokenHash(
    const std::string& tokenHash) {
  auto st =
      query(db_, (std::string(kInvitationColumns) + "WHERE token_hash = ?1").c_str(), tokenHash);
  if (!st) return st.error();
  return firstOf(collect<InvitationRecord>(*st, readInvitation));
}

Result<bool> ClinicalTables::revokeInvitation(int64_t seriesId, int64_t invitationId,
                                              int64_t nowMs) {
  return inTransaction(db_, true, [&]() -> Result<bool> {
    auto st = query(db_,
                    "UPDATE invitations SET revoked_at_ms = COALESCE(revoked_at_ms, ?3) "
                    "WHERE id = ?1 AND series_id = ?2",
                    invitationId, seriesId, nowMs);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return db_.changes() == 1;
  });
}

// --- Migration 4: series update, roles, host hand-over, delegations.

Status ClinicalTables::updateSeries(const SeriesRecord& s) {
  return inTransaction(db_, true, [&]() -> Status {
    auto st =
        query(db_,
              "UPDATE series SET title = ?2, time_zone = ?3, start_local = ?4, "
              "start_utc_ms = ?5, duration_minutes = ?6, frequency = ?7, interval_weeks = ?8, "
              "weekday_mask = ?9, until_local_date = ?10, count = ?11 WHERE id = ?1",
              s.id, s.title, s.timeZone, s.startLocal, s.startUtcMs, s.durationMinutes, s.frequency,
              s.intervalWeeks, s.weekdayMask, s.untilLocalDate, s.count);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    if (db_.changes() != 1) return makeError("not_found", "no series " + std::to_string(s.id));
    auto del = query(db_, "DELETE FROM series_exceptions WHERE series_id = ?1", s.id);
    if (!del) return del.error();
    ROUNDS_TRY(del->run());
    for (const auto& ex : s.exceptions) ROUNDS_TRY(insertExceptionLocked(s.id, ex));
    return Ok{};
  });
}

Result<std::vector<RoleRecord>> ClinicalTables::roles(int64_t seriesId) {
  auto st = query(db_,
                  "SELECT series_id, person_id, role FROM conference_roles WHERE series_id = ?1 "
                  "ORDER BY person_id",
                  seriesId);
  if (!st) return st.error();
  return collect<RoleRecord>(*st, [](const Statement& q) {
    return RoleRecord{q.columnInt64(0), q.columnInt64(1), q.columnText(2)};
  });
}

Result<std::optional<std::string>> ClinicalTables::roleOf(int64_t seriesId, int64_t personId) {
  auto st = query(db_, "SELECT role FROM conference_roles WHERE series_id = ?1 AND person_id = ?2",
                  seriesId, personId);
  if (!st) return st.error();
  return firstOf(collect<std::string>(*st, [](const Statement& q) { return q.columnText(0); }));
}

Status ClinicalTables::putRole(const RoleRecord& r) {
  return inTransaction(db_, true, [&]() -> Status {
    auto st = query(db_,
                    "INSERT INTO conference_roles(series_id, person_id, role) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT(series_id, person_id) DO UPDATE SET role = excluded.role",
                    r.seriesId, r.personId, r.role);
    if (!st) return st.error();
    return st->run();
  });
}

Result<bool> ClinicalTables::deleteRole(int64_t seriesId, int64_t personId) {
  return inTransaction(db_, true, [&]() -> Result<bool> {
    auto st = query(db_, "DELETE FROM conference_roles WHERE series_id = ?1 AND person_id = ?2",
                    seriesId, personId);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return db_.changes() == 1;
  });
}

Status ClinicalTables::putSeriesPasscode(int64_t seriesId, const std::string& hash, int64_t nowMs) {
  return inTransaction(db_, true, [&]() -> Status {
    auto st = query(db_,
                    "INSERT INTO series_passcodes(series_id, hash, updated_at_ms) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT(series_id) DO UPDATE SET hash = excluded.hash, "
                    "updated_at_ms = excluded.updated_at_ms",
                    seriesId, hash, nowMs);
    if (!st) return st.error();
    return st->run();
  });
}

Result<bool> ClinicalTables::deleteSeriesPasscode(int64_t seriesId) {
  return inTransaction(db_, true, [&]() -> Result<bool> {
    auto st = query(db_, "DELETE FROM series_passcodes WHERE series_id = ?1", seriesId);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return db_.changes() == 1;
  });
}

Result<std::optional<std::string>> ClinicalTables::seriesPasscode(int64_t seriesId) {
  auto st = query(db_, "SELECT hash FROM series_passcodes WHERE series_id = ?1", seriesId);
  if (!st) return st.error();
  return firstOf(collect<std::string>(*st, [](const Statement& q) { return q.columnText(0); }));
}

Result<std::vector<SeriesRecord>> ClinicalTables::seriesCoHostedBy(int64_t personId) {
  return inTransaction(db_, false, [&] {
    return selectSeriesLocked(
        "WHERE id IN (SELECT series_id FROM conference_roles WHERE person_id = ?1 "
        "AND role = 'co-host')",
        personId);
  });
}

Status ClinicalTables::handOverHost(int64_t seriesId, int64_t newOwnerAccountId,
                                    int64_t previousHostPersonId, int64_t newHostPersonId) {
  return inTransaction(db_, true, [&]() -> Status {
    auto up = query(db_, "UPDATE series SET owner_account_id = ?2 WHERE id = ?1", seriesId,
                    newOwnerAccountId);
    if (!up) return up.error();
    ROUNDS_TRY(up->run());
    if (db_.changes() != 1) return makeError("not_found", "no series " + std::to_string(seriesId));
    auto del = query(db_, "DELETE FROM conference_roles WHERE series_id = ?1 AND person_id = ?2",
                     seriesId, newHostPersonId);
    if (!del) return del.error();
    ROUNDS_TRY(del->run());
    auto put = query(db_,
                     "INSERT INTO conference_roles(series_id, person_id, role) "
                     "VALUES (?1, ?2, 'co-host') "
                     "ON CONFLICT(series_id, person_id) DO UPDATE SET role = 'co-host'",
                     seriesId, previousHostPersonId);
    if (!put) return put.error();
    return put->run();
  });
}

namespace {
constexpr const char* kDelegationColumns =
    "SELECT d.id, d.series_id, d.coordinator_person_id, d.quota, d.token_hash, d.created_at_ms, "
    "d.expires_at_ms, d.revoked_at_ms, "
    "(SELECT COUNT(*) FROM invitations i WHERE i.delegation_id = d.id) FROM delegations d ";
DelegationRecord readDelegation(const Statement& q) {
  DelegationRecord d;
  d.id = q.columnInt64(0);
  d.seriesId = q.columnInt64(1);
  d.coordinatorPersonId = q.columnInt64(2);
  d.quota = static_cast<int>(q.columnInt64(3));
  d.tokenHash = q.columnText(4);
  d.createdAtMs = q.columnInt64(5);
  d.expiresAtMs = q.columnInt64(6);
  d.revokedAtMs = q.columnOptionalInt64(7);
  d.used = static_cast<int>(q.columnInt64(8));
  return d;
}
}  // namespace

Result<int64_t> ClinicalTables::createDelegation(const DelegationRecord& d) {
  return inTransaction(db_, true, [&]() -> Result<int64_t> {
    auto st = query(db_,
                    "INSERT INTO delegations(series_id, coordinator_person_id, quota, token_hash, "
                    "created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    d.seriesId, d.coordinatorPersonId, d.quota, d.tokenHash, d.createdAtMs,
                    d.expiresAtMs);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return db_.lastInsertRowId();
  });
}

Result<std::vector<DelegationRecord>> ClinicalTables::delegationsFor(int64_t seriesId) {
  auto st =
      query(db_, (std::string(kDelegationColumns) + "WHERE d.series_id = ?1 ORDER BY d.id").c_str(),
            seriesId);
  if (!st) return st.error();
  return collect<DelegationRecord>(*st, readDelegation);
}

Result<std::optional<DelegationRecord>> ClinicalTables::delegationByTokenHash(
    const std::string& tokenHash) {
  auto st =
      query(db_, (std::string(kDelegationColumns) + "WHERE d.token_hash = ?1").c_str(), tokenHash);
  if (!st) return st.error();
  return firstOf(collect<DelegationRecord>(*st, readDelegation));
}

Result<bool> ClinicalTables::revokeDelegation(int64_t seriesId, int64_t delegationId,
                                              int64_t nowMs) {
  return inTransaction(db_, true, [&]() -> Result<bool> {
    auto st = query(db_,
                    "UPDATE delegations SET revoked_at_ms = COALESCE(revoked_at_ms, ?3) "
                    "WHERE id = ?1 AND series_id = ?2",
                    delegationId, seriesId, nowMs);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return db_.changes() == 1;
  });
}

Result<std::pair<int64_t, int64_t>> ClinicalTables::addDelegate(int64_t delegationId,
                                                                const PersonRecord& person,
                                                                const InvitationRecord& inv) {
  // IMMEDIATE transaction: the quota check and the insert cannot interleave with another writer.
  return inTransaction(db_, true, [&]() -> Result<std::pair<int64_t, int64_t>> {
    auto q =
        query(db_,
              "SELECT d.quota - (SELECT COUNT(*) FROM invitations i WHERE i.delegation_id = d.id) "
              "FROM delegations d WHERE d.id = ?1",
              delegationId);
    if (!q) return q.error();
    auto left = firstOf(collect<int64_t>(*q, [](const Statement& r) { return r.columnInt64(0); }));
    if (!left) return left.error();
    if (!*left) return makeError("not_found", "no delegation " + std::to_string(delegationId));
    if (**left <= 0) return makeError("quota_exceeded", "this delegation's quota is used up");
    auto pid = insertPersonLocked(person);
    if (!pid) return pid.error();
    auto role = query(db_,
                      "INSERT INTO conference_roles(series_id, person_id, role) "
                      "VALUES (?1, ?2, 'participant')",
                      inv.seriesId, *pid);
    if (!role) return role.error();
    ROUNDS_TRY(role->run());
    auto st =
        query(db_,
              "INSERT INTO invitations(series_id, person_id, token_hash, created_at_ms, "
              "expires_at_ms, delegation_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
              inv.seriesId, *pid, inv.tokenHash, inv.createdAtMs, inv.expiresAtMs, delegationId);
    if (!st) return st.error();
    ROUNDS_TRY(st->run());
    return std::pair<int64_t, int64_t>{*pid, db_.lastInsertRowId()};
  });
}

#undef ROUNDS_TRY

}  // namespace rounds::sqlite
