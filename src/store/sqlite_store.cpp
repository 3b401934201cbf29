// SqliteStore: the Store interface on an embedded SQLite database (WAL, numbered migrations,
// prepared statements, one transaction per method).
// Threading: one thread (the control thread), as Store requires.
#include <chrono>

#include "store/clinical_tables.hpp"
#include "store/knowledge_tables.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace rounds {

namespace {

using sqlite::Db;
using sqlite::Statement;
using sqlite::Transaction;

// Propagates a failed Status/Result out of the enclosing function.
#define ROUNDS_TRY(expr)                          \
  do {                                            \
    if (auto r_ = (expr); !r_) return r_.error(); \
  } while (0)

int64_t wallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::string& path);

  Result<RoomRecord> ensureRoom(const std::string& name, int64_t nowMs) override;
  Result<int64_t> recordJoin(const std::string& room, const std::string& participantId,
                             const std::string& displayName, int64_t joinedAtMs,
                             std::optional<int64_t> personId = std::nullopt) override;
  Status recordLeave(int64_t attendanceId, int64_t leftAtMs, const std::string& reason) override;
  Status closeOpenAttendance(int64_t leftAtMs, const std::string& reason) override;
  Result<std::vector<AttendanceRecord>> attendance(const std::string& room) override;

  // Issue 4: forwarded to ClinicalTables (clinical_tables.cpp).
  Result<int64_t> createOrganisation(const OrganisationRecord& o) override {
    return clinical_.createOrganisation(o);
  }
  Result<std::optional<OrganisationRecord>> organisation(int64_t id) override {
    return clinical_.organisation(id);
  }
  Result<std::vector<OrganisationRecord>> organisations() override {
    return clinical_.organisations();
  }
  Result<int64_t> createPerson(const PersonRecord& p) override { return clinical_.createPerson(p); }
  Result<std::optional<PersonRecord>> person(int64_t id) override { return clinical_.person(id); }
  Result<std::vector<PersonRecord>> people() override { return clinical_.people(); }
  Result<int64_t> countAccounts() override { return clinical_.countAccounts(); }
  Result<AccountRecord> createAccount(const PersonRecord& p, const std::string& email,
                                      const std::string& hash, int64_t nowMs) override {
    return clinical_.createAccount(p, email, hash, nowMs);
  }
  Result<std::optional<AccountRecord>> accountByEmail(const std::string& email) override {
    return clinical_.accountByEmail(email);
  }
  Result<std::optional<AccountRecord>> account(int64_t id) override {
    return clinical_.account(id);
  }
  Status createSession(const SessionRecord& s) override { return clinical_.createSession(s); }
  Result<std::optional<SessionRecord>> liveSession(const std::string& hash,
                                                   int64_t nowMs) override {
    return clinical_.liveSession(hash, nowMs);
  }
  Status revokeSession(const std::string& hash, int64_t nowMs) override {
    return clinical_.revokeSession(hash, nowMs);
  }
  Result<int64_t> createSeries(const SeriesRecord& s) override { return clinical_.createSeries(s); }
  Result<std::optional<SeriesRecord>> series(int64_t id) override { return clinical_.series(id); }
  Result<std::vector<SeriesRecord>> seriesOwnedBy(int64_t accountId) override {
    return clinical_.seriesOwnedBy(accountId);
  }
  Status putSeriesException(int64_t seriesId, const SeriesException& ex) override {
    return clinical_.putSeriesException(seriesId, ex);
  }
  Result<std::vector<int64_t>> createInvitations(
      const std::vector<InvitationRecord>& invitations) override {
    return clinical_.createInvitations(invitations);
  }
  Result<std::vector<InvitationRecord>> invitationsFor(int64_t seriesId) override {
    return clinical_.invitationsFor(seriesId);
  }
  Result<std::optional<InvitationRecord>> invitationByTokenHash(const std::string& hash) override {
    return clinical_.invitationByTokenHash(hash);
  }
  Result<bool> revokeInvitation(int64_t seriesId, int64_t id, int64_t nowMs) override {
    return clinical_.revokeInvitation(seriesId, id, nowMs);
  }
  Status updateSeries(const SeriesRecord& s) override { return clinical_.updateSeries(s); }
  Result<std::vector<RoleRecord>> roles(int64_t seriesId) override { return clinical_.roles(seriesId); }
  Result<std::optional<std::string>> roleOf(int64_t seriesId, int64_t personId) override {
    return clinical_.roleOf(seriesId, personId);
  }
  Status putRole(const RoleRecord& r) override { return clinical_.putRole(r); }
  Result<bool> deleteRole(int64_t seriesId, int64_t personId) override {
    return clinical_.deleteRole(seriesId, personId);
  }
  Status putSeriesPasscode(int64_t seriesId, const std::string& hash, int64_t nowMs) override {
    return clinical_.putSeriesPasscode(seriesId, hash, nowMs);
  }
  Result<bool> deleteSeriesPasscode(int64_t seriesId) override {
    return clinical_.deleteSeriesPasscode(seriesId);
  }
  Result<std::optional<std::string>> seriesPasscode(int64_t seriesId) override {
    return clinical_.seriesPasscode(seriesId);
  }
  Result<std::vector<SeriesRecord>> seriesCoHostedBy(int64_t personId) override {
    return clinical_.seriesCoHostedBy(personId);
  }
  Status handOverHost(int64_t seriesId, int64_t newOwner, int64_t previousHostPerson,
                      int64_t newHostPerson) override {
    return clinical_.handOverHost(seriesId, newOwner, previousHostPerson, newHostPerson);
  }
  Result<int64_t> createDelegation(const DelegationRecord& d) override {
    return clinical_.createDelegation(d);
  }
  Result<std::vector<DelegationRecord>> delegationsFor(int64_t seriesId) override {
    return clinical_.delegationsFor(seriesId);
  }
  Result<std::optional<DelegationRecord>> delegationByTokenHash(const std::string& h) override {
    return clinical_.delegationByTokenHash(h);
  }
  Result<bool> revokeDelegation(int64_t seriesId, int64_t id, int64_t nowMs) override {
    return clinical_.revokeDelegation(seriesId, id, nowMs);
  }
  Result<std::pair<int64_t, int64_t>> addDelegate(int64_t delegationId, const PersonRecord& p,
                                                  const InvitationRecord& inv) override {
    return clinical_.addDelegate(delegationId, p, inv);
  }
  sqlite::KnowledgeTables& knowledge() override { return knowledge_; }

 private:
  struct Statements {
    Statement insertRoom;
    Statement selectRoom;
    Statement insertAttendance;
    Statement closeAttendance;
    Statement closeAllOpen;
    Statement selectAttendance;
  };
  SqliteStore(Db db, Statements st) : db_(std::move(db)), st_(std::move(st)), clinical_(db_), knowledge_(db_) {}
  // The body of ensureRoom, run inside the caller's transaction.
  Result<RoomRecord> ensureRoomLocked(const std::string& name, int64_t nowMs);

  // Declared before st_ so that statements are finalized before the connection closes.
  Db db_;
  Statements st_;
  sqlite::ClinicalTables clinical_;  // refers to db_; SqliteStore is never moved (heap only)
  sqlite::KnowledgeTables knowledge_;  // likewise
};

Status configure(Db& db, bool inMemory) {
  // WAL lets readers proceed during a write and makes commits cheap with synchronous=NORMAL
  // (durable up to the last checkpointed commit after power loss; never corrupt).
  if (!inMemory) {
    auto mode = db.queryText("PRAGMA journal_mode=WAL");
    if (!mode) return mode.error();
    if (*mode != "wal") return makeError("store", "journal_mode=WAL refused (got '" + *mode + "')");
  }
  ROUNDS_TRY(db.exec("PRAGMA foreign_keys=ON"));
  ROUNDS_TRY(db.exec("PRAGMA synchronous=NORMAL"));
  ROUNDS_TRY(db.setBusyTimeout(5000));
  return Ok{};
}

Result<std::unique_ptr<Store>> SqliteStore::open(const std::string& path) {
  auto db = Db::open(path);
  if (!db) return db.error();
  const bool inMemory = path == ":memory:" || path.empty();
  ROUNDS_TRY(configure(*db, inMemory));
  ROUNDS_TRY(sqlite::applyMigrations(*db, wallNowMs()));
  auto version = sqlite::schemaVersion(*db);
  if (!version) return version.error();
  const int known = sqlite::migrations().back().version;
  if (*version > known) {
    return makeError("store", "database schema version " + std::to_string(*version) +
                                  " is newer than this server's (" + std::to_string(known) + ")");
  }

  auto prep = [&](const char* sql) { return db->prepare(sql); };
  auto insertRoom =
      prep("INSERT INTO rooms(name, created_at_ms) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING");
  auto selectRoom = prep("SELECT id, name, created_at_ms FROM rooms WHERE name = ?1");
  auto insertAttendance = prep(
      "INSERT INTO attendance(room_id, participant_id, display_name, joined_at_ms, person_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  auto closeAttendance = prep(
      "UPDATE attendance SET left_at_ms = ?2, leave_reason = ?3 "
      "WHERE id = ?1 AND left_at_ms IS NULL");
  auto closeAllOpen = prep(
      "UPDATE attendance SET left_at_ms = ?1, leave_reason = ?2 WHERE left_at_ms IS NULL");
  auto selectAttendance = prep(
      "SELECT a.id, r.name, a.participant_id, a.display_name, a.joined_at_ms, a.left_at_ms, "
      "a.leave_reason, a.person_id FROM attendance a JOIN rooms r ON r.id = a.room_id "
      "WHERE r.name = ?1 ORDER BY a.joined_at_ms, a.id");
  for (auto* r : {&insertRoom, &selectRoom, &insertAttendance, &closeAttendance, &closeAllOpen,
                  &selectAttendance}) {
    if (!*r) return r->error();
  }
  Statements st{std::move(*insertRoom),       std::move(*selectRoom),
                std::move(*insertAttendance), std::move(*closeAttendance),
                std::move(*closeAllOpen),     std::move(*selectAttendance)};
  return std::unique_ptr<Store>(new SqliteStore(std::move(*db), std::move(st)));
}

Result<RoomRecord> SqliteStore::ensureRoomLocked(const std::string& name, int64_t nowMs) {
  Statement& ins = st_.insertRoom;
  ins.reset();
  ROUNDS_TRY(ins.bind(1, name));
  ROUNDS_TRY(ins.bind(2, nowMs));
  ROUNDS_TRY(ins.run());

  Statement& sel = st_.selectRoom;
  sel.reset();
  ROUNDS_TRY(sel.bind(1, name));
  auto row = sel.step();
  if (!row) return row.error();
  if (!*row) return makeError("store", "room '" + name + "' vanished after insert");
  RoomRecord rec{sel.columnInt64(0), sel.columnText(1), sel.columnInt64(2)};
  sel.reset();
  return rec;
}

Result<RoomRecord> SqliteStore::ensureRoom(const std::string& name, int64_t nowMs) {
  Transaction tx(db_);
  ROUNDS_TRY(tx.begin());
  auto rec = ensureRoomLocked(name, nowMs);
  if (!rec) return rec.error();
  ROUNDS_TRY(tx.commit());
  return rec;
}

Result<int64_t> SqliteStore::recordJoin(const std::string& room, const std::string& participantId,
                                        const std::string& displayName, int64_t joinedAtMs,
                                        std::optional<int64_t> personId) {
  Transaction tx(db_);
  ROUNDS_TRY(tx.begin());
  auto rec = ensureRoomLocked(room, joinedAtMs);
  if (!rec) return rec.error();
  Statement& ins = st_.insertAttendance;
  ins.reset();
  ROUNDS_TRY(ins.bind(1, rec->id));
  ROUNDS_TRY(ins.bind(2, participantId));
  ROUNDS_TRY(ins.bind(3, displayName));
  ROUNDS_TRY(ins.bind(4, joinedAtMs));
  if (personId) {
    ROUNDS_TRY(ins.bind(5, *personId));
  } else {
    ROUNDS_TRY(ins.bindNull(5));
  }
  ROUNDS_TRY(ins.run());
  const int64_t id = db_.lastInsertRowId();
  ROUNDS_TRY(tx.commit());
  return id;
}

Status SqliteStore::recordLeave(int64_t attendanceId, int64_t leftAtMs, const std::string& reason) {
  Transaction tx(db_);
  ROUNDS_TRY(tx.begin());
  Statement& upd = st_.closeAttendance;
  upd.reset();
  ROUNDS_TRY(upd.bind(1, attendanceId));
  ROUNDS_TRY(upd.bind(2, leftAtMs));
  ROUNDS_TRY(upd.bind(3, reason));
  ROUNDS_TRY(upd.run());
  if (db_.changes() != 1) {
    return makeError("store", "attendance " + std::to_string(attendanceId) +
                                  " does not exist or is already closed");
  }
  ROUNDS_TRY(tx.commit());
  return Ok{};
}

Status SqliteStore::closeOpenAttendance(int64_t leftAtMs, const std::string& reason) {
  Transaction tx(db_);
  ROUNDS_TRY(tx.begin());
  Statement& upd = st_.closeAllOpen;
  upd.reset();
  ROUNDS_TRY(upd.bind(1, leftAtMs));
  ROUNDS_TRY(upd.bind(2, reason));
  ROUNDS_TRY(upd.run());
  ROUNDS_TRY(tx.commit());
  return Ok{};
}

Result<std::vector<AttendanceRecord>> SqliteStore::attendance(const std::string& room) {
  Transaction tx(db_);
  ROUNDS_TRY(tx.begin(/*immediate=*/false));
  Statement& sel = st_.selectAttendance;
  sel.reset();
  ROUNDS_TRY(sel.bind(1, room));
  std::vector<AttendanceRecord> out;
  for (;;) {
    auto row = sel.step();
    if (!row) return row.error();
    if (!*row) break;
    AttendanceRecord rec;
    rec.id = sel.columnInt64(0);
    rec.room = sel.columnText(1);
    rec.participantId = sel.columnText(2);
    rec.displayName = sel.columnText(3);
    rec.joinedAtMs = sel.columnInt64(4);
    if (!sel.columnIsNull(5)) rec.leftAtMs = sel.columnInt64(5);
    rec.leaveReason = sel.columnText(6);
    if (!sel.columnIsNull(7)) rec.personId = sel.columnInt64(7);
    out.push_back(std::move(rec));
  }
  sel.reset();
  ROUNDS_TRY(tx.commit());
  return out;
}

#undef ROUNDS_TRY

}  // namespace

Result<std::unique_ptr<Store>> openSqliteStore(const std::string& path) {
  return SqliteStore::open(path);
}

}  // namespace rounds
